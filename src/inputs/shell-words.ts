/**
 * POSIX-shell words without any expansion: the one splitter behind hook
 * `arguments` (oned.conf) and transfer-script lines, and the quoting that
 * every command line built for a shell (local or over SSH) goes through.
 * This module imports nothing, so any layer may use it.
 *
 * Splitting follows sh: blanks (space, tab, newline) separate words;
 * '…' keeps everything literally; "…" keeps everything but `\"`, `\\`, `\$`
 * and `` \` ``; a backslash outside quotes takes the next character as it is.
 * Nothing is ever expanded ($, *, ~, `…`); an unterminated quote is an
 * error instead of a guess.
 */

/** Part of a word. `escaped` text came from a backslash: callers keep it literal (no `$` variables). */
export interface WordPart {
  readonly text: string;
  readonly escaped: boolean;
}

export type ShellWords<T> = T[] | { error: string };

/** Words as lists of parts, so that a caller can treat quoted, plain and escaped text differently. */
export function splitWordParts(text: string): ShellWords<WordPart[]> {
  const words: WordPart[][] = [];
  let parts: WordPart[] | undefined;
  const add = (t: string, escaped = false) => {
    parts ??= []; // "" and '' are an empty word, not nothing
    if (t === '') return;
    const last = parts[parts.length - 1];
    if (last && last.escaped === escaped) parts[parts.length - 1] = { text: last.text + t, escaped };
    else parts.push({ text: t, escaped });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      if (parts) words.push(parts);
      parts = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { error: 'unterminated single quote' };
      add(text.slice(i + 1, end));
      i = end;
    } else if (c === '"') {
      add('');
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        // Inside double quotes a backslash only escapes these characters.
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1])) add(text[++j], true);
        else add(text[j]);
      }
      if (j >= text.length) return { error: 'unterminated double quote' };
      i = j;
    } else if (c === '\\') {
      add(i + 1 < text.length ? text[++i] : '', true);
    } else {
      add(c);
    }
  }
  if (parts) words.push(parts);
  return words;
}

/** Plain words, as sh would pass them to a program (without expansion). */
export function splitWords(text: string): ShellWords<string> {
  const split = splitWordParts(text);
  return Array.isArray(split) ? split.map((parts) => parts.map((p) => p.text).join('')) : split;
}

/** Characters that never need quoting, in sh or in a `host:path` argument. */
const PLAIN = /^[A-Za-z0-9_\/.:@%+=,-]+$/;

/** One argument for a POSIX shell, single-quoted so that nothing in it is interpreted. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A whole command line, every word quoted. */
export const shellCommand = (argv: readonly string[]): string => argv.map(shellQuote).join(' ');

/** One word that `splitWords` (and sh) read back exactly: bare when plain, else single-quoted. */
export function quoteWord(word: string): string {
  return PLAIN.test(word) ? word : shellQuote(word);
}
