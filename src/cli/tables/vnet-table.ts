import { xmlInt, xmlText, type XmlObject } from '../lib/one-xml.ts';
import type { TableSpec } from '../lib/table.ts';

export const vnetTypeName = (type: number): string => (type === 0 ? 'Ranged' : 'Fixed');

/** `onevnet list` (spec §10.4). SIZE exists but, as in 1.4, has no data. */
export const vnetTable: TableSpec<XmlObject> = {
  columns: [
    { key: 'id', header: 'ID', width: 4, numeric: true, description: 'ONE identifier for the network', value: (n) => xmlText(n, 'ID') },
    { key: 'user', header: 'USER', width: 8, description: 'Name of the owner', value: (n) => xmlText(n, 'USERNAME') },
    { key: 'name', header: 'NAME', width: 15, description: 'Name of the network', value: (n) => xmlText(n, 'NAME') },
    { key: 'type', header: 'TYPE', width: 6, description: 'Ranged or Fixed', value: (n) => vnetTypeName(xmlInt(n, 'TYPE')) },
    { key: 'size', header: 'SIZE', width: 6, numeric: true, description: 'Number of hosts (no data in 1.4)', value: () => '' },
    { key: 'bridge', header: 'BRIDGE', width: 6, description: 'Bridge of the network', value: (n) => xmlText(n, 'BRIDGE') },
    {
      key: 'leases', header: '#LEASES', width: 7, numeric: true, description: 'Number of leases in use',
      value: (n) => xmlText(n, 'TOTAL_LEASES'),
    },
  ],
  defaults: ['id', 'user', 'name', 'type', 'bridge', 'leases'],
};
