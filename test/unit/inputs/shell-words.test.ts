import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { quoteWord, shellCommand, shellQuote, splitWordParts, splitWords } from '../../../src/inputs/shell-words.ts';

// fast-check prints the seed and path of a failure; rerun with fc.assert(…, { seed, path }).
describe('shell words', () => {
  it('splits like a shell, without any expansion', () => {
    assert.deepEqual(splitWords(`a  'b c' "d \\"e\\" $HOME" f\\ g $(id) *;x`), ['a', 'b c', 'd "e" $HOME', 'f g', '$(id)', '*;x']);
    assert.deepEqual(splitWords('-'), ['-']);
    assert.deepEqual(splitWords(''), []);
    assert.deepEqual(splitWords(`''`), ['']);
    assert.deepEqual(splitWords(`"" a\t\nb`), ['', 'a', 'b']);
  });

  it('rejects unterminated quotes', () => {
    assert.deepEqual(splitWords(`a 'b`), { error: 'unterminated single quote' });
    assert.deepEqual(splitWords('a "b'), { error: 'unterminated double quote' });
  });

  it('marks backslash-escaped text, so that callers can keep it literal', () => {
    assert.deepEqual(splitWordParts(`x\\$A "\\$B$C" '$D'`), [
      [{ text: 'x', escaped: false }, { text: '$', escaped: true }, { text: 'A', escaped: false }],
      [{ text: '$', escaped: true }, { text: 'B$C', escaped: false }],
      [{ text: '$D', escaped: false }],
    ]);
  });

  it('inverts shellQuote and quoteWord for any list of words', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }), (words) => {
      assert.deepEqual(splitWords(words.map(shellQuote).join(' ')), words);
      assert.deepEqual(splitWords(words.map(quoteWord).join(' ')), words);
    }));
  });

  it('leaves plain words and host:path bare', () => {
    assert.equal(quoteWord('node1:/srv/one/7/images/disk.0'), 'node1:/srv/one/7/images/disk.0');
    assert.equal(quoteWord('a b'), `'a b'`);
    assert.equal(quoteWord(`it's`), `'it'\\''s'`);
    assert.equal(quoteWord(''), `''`);
  });

  it('agrees with /bin/sh on quoted text (no $ or backquote, which sh would expand)', () => {
    const safe = fc.string({ maxLength: 12 }).map((s) => s.replace(/[$`\0\n]/g, ''));
    fc.assert(fc.property(fc.array(safe.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`), { minLength: 1, maxLength: 4 }), (quoted) => {
      const line = quoted.join(' ');
      const viaSh = execFileSync('/bin/sh', ['-c', `for a in ${line}; do printf '%s\\0' "$a"; done`]).toString().split('\0').slice(0, -1);
      assert.deepEqual(splitWords(line), viaSh);
    }), { numRuns: 40 });
  });

  it('agrees with /bin/sh on quoteWord output, whatever the word holds', () => {
    const word = fc.string({ maxLength: 12 }).map((s) => s.replace(/\0/g, ''));
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (words) => {
      const viaSh = execFileSync('/bin/sh', ['-c', `for a in ${words.map(quoteWord).join(' ')}; do printf '%s\\0' "$a"; done`]).toString().split('\0').slice(0, -1);
      assert.deepEqual(viaSh, words);
    }), { numRuns: 40 });
  });
});

describe('shellQuote', () => {
  it('makes /bin/sh see exactly the original string, whatever it holds', () => {
    const nasty = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(`x; touch /tmp/pwned`, `$(id)`, '`id`', `'"'`, `a'b`, `\\`, '-n'));
    fc.assert(fc.property(nasty.map((s) => s.replace(/\0/g, '')), (s) => {
      const out = execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(s)}`]).toString();
      assert.equal(out, s);
    }), { numRuns: 60 });
  });

  it('quotes every word of a command', () => {
    assert.equal(shellCommand(['/bin/echo', "it's", '$HOME']), `'/bin/echo' 'it'\\''s' '$HOME'`);
  });
});
