import { xmlInt, xmlText, type XmlObject } from '../lib/one-xml.ts';
import { vmShortState } from '../lib/state-names.ts';
import type { TableSpec } from '../lib/table.ts';
import { runningTime } from '../lib/time-format.ts';

/** `onevm list` (spec §10.2). `now` comes in so that the TIME column is pure. */
export function vmTable(now: number): TableSpec<XmlObject> {
  return {
    columns: [
      { key: 'id', header: 'ID', width: 4, numeric: true, description: 'ONE identifier for the VM', value: (vm) => xmlText(vm, 'ID') },
      { key: 'user', header: 'USER', width: 8, description: 'Name of the owner', value: (vm) => xmlText(vm, 'USERNAME') },
      { key: 'name', header: 'NAME', width: 8, description: 'Name of the VM', value: (vm) => xmlText(vm, 'NAME') },
      {
        key: 'stat', header: 'STAT', width: 4, description: 'Actual status of the VM',
        value: (vm) => vmShortState(xmlInt(vm, 'STATE'), xmlInt(vm, 'LCM_STATE')),
      },
      { key: 'cpu', header: 'CPU', width: 3, numeric: true, description: 'CPU percentage used by the VM', value: (vm) => xmlText(vm, 'CPU') },
      { key: 'mem', header: 'MEM', width: 7, numeric: true, description: 'Memory used by the VM (KB)', value: (vm) => xmlText(vm, 'MEMORY') },
      {
        key: 'hostname', header: 'HOSTNAME', width: 15, description: 'Machine where the VM is running',
        value: (vm) => xmlText(vm, 'HISTORY/HOSTNAME'),
      },
      {
        key: 'time', header: 'TIME', width: 11, numeric: true, description: 'Time since the VM was submitted',
        value: (vm) => runningTime(xmlInt(vm, 'STIME'), xmlInt(vm, 'ETIME'), now),
      },
    ],
    defaults: ['id', 'user', 'name', 'stat', 'cpu', 'mem', 'hostname', 'time'],
  };
}
