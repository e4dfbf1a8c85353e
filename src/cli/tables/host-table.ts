import { xmlInt, xmlText, type XmlObject } from '../lib/one-xml.ts';
import { hostShortState } from '../lib/state-names.ts';
import type { TableSpec } from '../lib/table.ts';

const share = (host: XmlObject, field: string): number => xmlInt(host, `HOST_SHARE/${field}`);

/** `onehost list` (spec §10.3). */
export const hostTable: TableSpec<XmlObject> = {
  columns: [
    { key: 'id', header: 'ID', width: 4, numeric: true, description: 'ONE identifier for the host', value: (h) => xmlText(h, 'ID') },
    { key: 'name', header: 'NAME', width: 25, description: 'Host name', value: (h) => xmlText(h, 'NAME') },
    {
      key: 'rvm', header: 'RVM', width: 3, numeric: true, description: 'Number of virtual machines running',
      value: (h) => String(share(h, 'RUNNING_VMS')),
    },
    { key: 'tcpu', header: 'TCPU', width: 6, numeric: true, description: 'Total CPU (100 per core)', value: (h) => String(share(h, 'MAX_CPU')) },
    {
      key: 'fcpu', header: 'FCPU', width: 6, numeric: true, description: 'Free CPU (total minus really used)',
      value: (h) => String(share(h, 'MAX_CPU') - share(h, 'USED_CPU')),
    },
    {
      // 1.4 printed MAX_CPU − USED_CPU here too (FCPU again); CPU_USAGE is what VMs reserve.
      key: 'acpu', header: 'ACPU', width: 6, numeric: true, description: 'Available CPU (total minus reserved by VMs)',
      value: (h) => String(share(h, 'MAX_CPU') - share(h, 'CPU_USAGE')),
    },
    { key: 'tmem', header: 'TMEM', width: 7, numeric: true, description: 'Total memory (KB)', value: (h) => String(share(h, 'MAX_MEM')) },
    { key: 'fmem', header: 'FMEM', width: 7, numeric: true, description: 'Free memory (KB)', value: (h) => String(share(h, 'FREE_MEM')) },
    { key: 'stat', header: 'STAT', width: 4, description: 'Host status', value: (h) => hostShortState(xmlInt(h, 'STATE')) },
  ],
  defaults: ['id', 'name', 'rvm', 'tcpu', 'fcpu', 'acpu', 'tmem', 'fmem', 'stat'],
};
