/**
 * Characters XML 1.0 cannot carry at all, not even as a character
 * reference: NUL and the C0 controls other than tab, LF and CR,
 * U+FFFE/U+FFFF, and lone surrogate halves. A value holding one would make
 * every document it is printed in unreadable for every client, so inputs
 * holding one are refused (the API, the template parser) and the encoders
 * never write one.
 *
 * This module imports nothing, so any layer may use it.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NOT_XML_ALL = new RegExp(NOT_XML.source, 'g');

export interface ForbiddenCharacter {
  /** Index in UTF-16 code units. */
  readonly index: number;
  /** `U+0001`: names the character without writing it. */
  readonly description: string;
}

/** The first character XML 1.0 forbids, or undefined when the text is clean. */
export function findForbiddenCharacter(text: string): ForbiddenCharacter | undefined {
  const m = NOT_XML.exec(text);
  if (!m) return undefined;
  const code = m[0].charCodeAt(0);
  return { index: m.index, description: `U+${code.toString(16).toUpperCase().padStart(4, '0')}` };
}

/** The text with each forbidden character replaced (U+FFFD by default): the encoders' safety net. */
export function replaceForbiddenCharacters(text: string, replacement = '\uFFFD'): string {
  return NOT_XML.test(text) ? text.replace(NOT_XML_ALL, replacement) : text;
}

/** `Parameter 2 of one.vm.allocate contains U+0001 at character 7, …`: one wording for the server and the client. */
export const forbiddenCharacterMessage = (where: string, bad: ForbiddenCharacter): string =>
  `${where} contains ${bad.description} at character ${bad.index + 1}, a character XML 1.0 does not allow`;

/** The first string parameter holding a forbidden character, as a message; undefined when all are clean. */
export function forbiddenParameter(method: string, params: readonly unknown[]): string | undefined {
  for (const [i, p] of params.entries()) {
    const bad = typeof p === 'string' ? findForbiddenCharacter(p) : undefined;
    if (bad) return forbiddenCharacterMessage(`Parameter ${i + 1} of ${method}`, bad);
  }
  return undefined;
}
