import { escapeXml } from '../xmlrpc/escape.ts';

/** `<NAME>value</NAME>` with the value escaped (1.4 wrote values raw; we do not). */
export const leaf = (name: string, value: string | number): string =>
  `<${name}>${typeof value === 'number' ? String(value) : escapeXml(value)}</${name}>`;

/** `<NAME>…</NAME>` around already rendered children. */
export const node = (name: string, children: string): string => `<${name}>${children}</${name}>`;
