/**
 * Text from oned (VM names, template values, driver messages) shown on a
 * terminal: control characters are printed as escapes (`\n`, `\t`, `\x1b`…)
 * so that a name cannot break a table row into two or send terminal escape
 * sequences. Everything else, quotes and `$(...)` included, is printed as is:
 * the CLI never hands it to a shell.
 */
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export const safeText = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
