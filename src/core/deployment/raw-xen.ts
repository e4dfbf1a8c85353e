/**
 * RAW DATA for xen is appended verbatim to the config (spec §4.4.1), which
 * xm exec()s as Python as root on the host. Verbatim Python would be code
 * execution, so the pass-through is limited to what a Xen config is meant to
 * hold: lines of `name = literal`, starting at the first column (Python
 * reads an indented line as an error), where a literal is a number (no
 * leading zeros: Python 3 refuses `007` and Python 2 reads it as octal), a
 * quoted string of printable ASCII without `\` or its own quote, or a flat
 * list of those. Blank lines and `#` comments pass too. Every right-hand
 * side is then a Python literal, and reads the same in xl's parser.
 */

const SCALAR = String.raw`(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|'[ -&(-\[\]-~]*'|"[ !#-\[\]-~]*")`;
const LIST = String.raw`\[[ \t]*(?:${SCALAR}[ \t]*(?:,[ \t]*${SCALAR}[ \t]*)*,?[ \t]*)?\]`;
const ASSIGNMENT = new RegExp(String.raw`^([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(?:${SCALAR}|${LIST})[ \t]*$`);
const COMMENT = /^[ \t]*(?:#[ -~\t]*)?$/;

/** Names Python 2 or 3 would not take on the left of `=`. */
const KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except exec finally for from ' +
    'global if import in is lambda nonlocal not or pass print raise return try while with yield').split(' '),
);

/** What is wrong with `data` as a RAW section of a Xen config, or undefined when it may be written. */
export function rawXenProblem(data: string): string | undefined {
  for (const [n, line] of data.split('\n').entries()) {
    if (COMMENT.test(line)) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) return `line ${n + 1} is not name = value, where a value is a number, a quoted string of printable ASCII without \\, or a list of those`;
    if (KEYWORDS.has(m[1])) return `line ${n + 1} assigns to the Python keyword ${m[1]}`;
  }
  return undefined;
}
