import { escapeXml } from '../xmlrpc/escape.ts';

/**
 * Every figure of the 1.4 documents is an integer (ids, times, states,
 * host shares, poll figures): print it as plain decimal digits, never in
 * exponent form (`String(1e21)` is `1e+21`) and never with a fraction, so
 * that clients reading them as integers always can.
 */
export function integerText(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const whole = Math.trunc(n);
  return Number.isSafeInteger(whole) ? String(whole + 0) : BigInt(whole).toString();
}

/** `<NAME>value</NAME>` with the value escaped (1.4 wrote values raw; we do not). */
export const leaf = (name: string, value: string | number): string =>
  `<${name}>${typeof value === 'number' ? integerText(value) : escapeXml(value)}</${name}>`;

/** `<NAME>…</NAME>` around already rendered children. */
export const node = (name: string, children: string): string => `<${name}>${children}</${name}>`;
