/**
 * 1.4 read numbers with `istringstream >> int|float`: the leading number is
 * taken and the rest ignored ("12abc" → 12), and text that does not start
 * with a number gives 0. These helpers do the same so that lookups and
 * expressions agree with the original on odd values.
 */
export function readLeadingInt(text: string | undefined): number {
  if (text === undefined) return 0;
  const m = /^[ \t\r\n]*([+-]?\d+)/.exec(text);
  if (!m) return 0;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : 0;
}

export function readLeadingFloat(text: string | undefined): number {
  if (text === undefined) return 0;
  const m = /^[ \t\r\n]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(text);
  if (!m) return 0;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : 0;
}
