import { xmlText, type XmlObject } from '../lib/one-xml.ts';
import type { TableSpec } from '../lib/table.ts';

/**
 * ENABLED arrives as `1`/`0` from one.user.info and as `True`/`Fase` (sic)
 * from the 1.4 pool; show one spelling for all of them.
 */
export function enabledText(raw: string): string {
  const v = raw.trim().toLowerCase();
  if (v === '1' || v === 'true' || v === 'yes') return 'True';
  if (v === '0' || v === 'false' || v === 'fase' || v === 'no') return 'False';
  return raw;
}

/** `oneuser list` (spec §10.5). */
export const userTable: TableSpec<XmlObject> = {
  columns: [
    { key: 'id', header: 'ID', width: 4, numeric: true, description: 'ONE identifier for the user', value: (u) => xmlText(u, 'ID') },
    { key: 'user', header: 'USER', width: 15, description: 'Name of the user', value: (u) => xmlText(u, 'NAME') },
    { key: 'password', header: 'PASSWORD', width: 50, description: 'SHA-1 of the password', value: (u) => xmlText(u, 'PASSWORD') },
    { key: 'enable', header: 'ENABLE', width: 6, description: 'Whether the user is enabled', value: (u) => enabledText(xmlText(u, 'ENABLED')) },
  ],
  defaults: ['id', 'user', 'password', 'enable'],
};
