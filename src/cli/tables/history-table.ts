import { xmlInt, xmlText, type XmlObject } from '../lib/one-xml.ts';
import { reasonShortName } from '../lib/state-names.ts';
import type { TableSpec } from '../lib/table.ts';
import { formatDate, runningTime } from '../lib/time-format.ts';

/** One row of `onevm history`: a VM id and its latest history record. */
export interface HistoryRow {
  readonly vmId: string;
  readonly history: XmlObject;
}

/** `onevm history` (spec §10.2). */
export function historyTable(now: number): TableSpec<HistoryRow> {
  return {
    columns: [
      { key: 'id', header: 'ID', width: 4, numeric: true, description: 'ONE identifier for the VM', value: (r) => r.vmId },
      { key: 'seq', header: 'SEQ', width: 3, numeric: true, description: 'Sequence number', value: (r) => xmlText(r.history, 'SEQ') },
      {
        key: 'hostname', header: 'HOSTNAME', width: 15, description: 'Name of the host where the VM was submitted',
        value: (r) => xmlText(r.history, 'HOSTNAME'),
      },
      {
        key: 'stime', header: 'STIME', width: 14, numeric: true, description: 'Start time',
        value: (r) => formatDate(xmlInt(r.history, 'STIME'), '--'),
      },
      {
        key: 'etime', header: 'ETIME', width: 14, numeric: true, description: 'End time',
        value: (r) => formatDate(xmlInt(r.history, 'ETIME'), '--'),
      },
      {
        key: 'time', header: 'TIME', width: 11, numeric: true, description: 'Total time',
        value: (r) => runningTime(xmlInt(r.history, 'STIME'), xmlInt(r.history, 'ETIME'), now),
      },
      {
        key: 'reason', header: 'REASON', width: 6, description: 'Reason for state change',
        value: (r) => reasonShortName(xmlInt(r.history, 'REASON')),
      },
    ],
    defaults: ['id', 'seq', 'hostname', 'stime', 'etime', 'time', 'reason'],
  };
}
