import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findForbiddenCharacter, replaceForbiddenCharacters } from '../../../src/inputs/xml-characters.ts';

/** XML 1.0 §2.2 Char, as a predicate over code points. */
const isXmlChar = (cp: number): boolean =>
  cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);

describe('characters XML 1.0 forbids', () => {
  it('finds exactly the characters outside XML 1.0 Char and names them as U+XXXX', () => {
    for (const [text, description, index] of [
      ['a\u0000b', 'U+0000', 1],
      ['\u0001', 'U+0001', 0],
      ['ok\u000b', 'U+000B', 2],
      ['\u001f', 'U+001F', 0],
      ['x\uFFFE', 'U+FFFE', 1],
      ['\uFFFF', 'U+FFFF', 0],
      ['a\uD800', 'U+D800', 1],
      ['\uDC00a', 'U+DC00', 0],
      ['\uDE00\uD83D', 'U+DE00', 0],
    ] as const) {
      assert.deepEqual(findForbiddenCharacter(text), { index, description }, JSON.stringify(text));
    }
    for (const ok of ['', 'tab\there\nline\r', '😀', '\uD83D\uDE00', '\uFFFD', '\u007f', 'é']) {
      assert.equal(findForbiddenCharacter(ok), undefined, JSON.stringify(ok));
    }
  });

  it('agrees with the XML 1.0 Char production on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }), (a, b) => {
        for (const text of [a, b]) {
          const clean = [...text].every((ch) => {
            const cp = ch.codePointAt(0)!;
            // A lone surrogate iterates as itself; a pair as one code point above 0xFFFF.
            return isXmlChar(cp);
          });
          assert.equal(findForbiddenCharacter(text) === undefined, clean, JSON.stringify(text));
          const replaced = replaceForbiddenCharacters(text);
          assert.equal(findForbiddenCharacter(replaced), undefined);
          assert.equal(replaced.length, text.length);
        }
      }),
    );
  });
});
