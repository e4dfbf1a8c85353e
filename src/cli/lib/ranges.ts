import { CliError } from './cli-error.ts';

/**
 * Expands `prefix[a-b]suffix` (a..b) and `prefix[a+n]suffix` (a..a+n, as
 * the 1.4 client counted it) into one argument per number (spec §10.1). A
 * leading zero in `a` keeps every number padded to the width of `a`.
 * Anything without brackets passes through unchanged.
 */
const RANGE = /^([^[]*)\[(\d+)([-+])(\d+)\](.*)$/s;

/** Bounds a typo such as `[0-999999999]` before it floods oned with calls. */
export const MAX_RANGE_SIZE = 100_000;

export function expandRange(arg: string): string[] {
  const m = RANGE.exec(arg);
  if (!m) return [arg];
  const [, prefix, startText, op, otherText, suffix] = m;
  const start = Number.parseInt(startText, 10);
  const other = Number.parseInt(otherText, 10);
  const end = op === '-' ? other : start + other;
  if (end < start) throw new CliError(`empty range in "${arg}"`);
  if (end - start + 1 > MAX_RANGE_SIZE) throw new CliError(`range "${arg}" is larger than ${MAX_RANGE_SIZE}`);
  const width = startText.length > 1 && startText.startsWith('0') ? startText.length : 0;
  const out: string[] = [];
  for (let n = start; n <= end; n++) out.push(`${prefix}${String(n).padStart(width, '0')}${suffix}`);
  return out;
}

export const expandRanges = (args: readonly string[]): string[] => args.flatMap(expandRange);
