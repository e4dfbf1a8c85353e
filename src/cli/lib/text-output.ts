/** Helpers shared by the `show` views. */
import { safeText } from './safe-text.ts';

/** A section title: bold (and underlined for the first) on a TTY. */
export function sectionHeader(title: string, decorate: boolean, underline = false): string {
  if (!decorate) return title;
  return `\x1b[1m${underline ? '\x1b[4m' : ''}${title.padEnd(80)}\x1b[0m`;
}

/** `KEY<padding>: value` lines, the layout of every 1.4 `show`. */
export function keyValueLines(pairs: ReadonlyArray<readonly [string, string]>, keyWidth: number): string {
  return pairs.map(([k, v]) => `${k.padEnd(keyWidth)}: ${safeText(v)}`.trimEnd()).join('\n');
}
