/**
 * 1.4 read numbers with `istringstream >> int|float`: the leading number is
 * taken and the rest ignored ("12abc" → 12), and text that does not start
 * with a number gives 0. These helpers do the same so that lookups and
 * expressions agree with the original on odd values.
 */
export function readLeadingInt(text: string | undefined): number {
  if (text === undefined) return 0;
  const plain = readPlainDigits(text);
  if (plain >= 0) return plain;
  const m = /^[ \t\r\n]*([+-]?\d+)/.exec(text);
  if (!m) return 0;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : 0;
}

export function readLeadingFloat(text: string | undefined): number {
  if (text === undefined) return 0;
  const plain = readPlainDigits(text);
  if (plain >= 0) return plain;
  const m = /^[ \t\r\n]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(text);
  if (!m) return 0;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : 0;
}

/**
 * The usual monitoring value is a plain whole number ("2097152"): read it
 * without a regular expression (the scheduler reads thousands per VM). Up to
 * 15 digits the sum below is exact. -1 when the text is anything else.
 */
function readPlainDigits(text: string): number {
  const length = text.length;
  if (length === 0 || length > 15) return -1;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
