import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { splitArgs } from '../../../../src/drivers/hm/split-args.ts';
import { shellQuote } from '../../../../src/drivers/ssh/shell-quote.ts';

describe('splitArgs', () => {
  it('splits like a shell, without any expansion', () => {
    assert.deepEqual(splitArgs(`a  'b c' "d \\"e\\" $HOME" f\\ g $(id) *;x`), ['a', 'b c', 'd "e" $HOME', 'f g', '$(id)', '*;x']);
    assert.deepEqual(splitArgs('-'), ['-']);
    assert.deepEqual(splitArgs(''), []);
    assert.deepEqual(splitArgs(`''`), ['']);
  });

  it('rejects unterminated quotes', () => {
    assert.deepEqual(splitArgs(`a 'b`), { error: 'unterminated single quote' });
    assert.deepEqual(splitArgs('a "b'), { error: 'unterminated double quote' });
  });

  it('inverts shellQuote for any list of words', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }), (words) => {
      assert.deepEqual(splitArgs(words.map(shellQuote).join(' ')), words);
    }));
  });

  it('agrees with /bin/sh on quoted text (no $ or backquote, which sh would expand)', () => {
    const safe = fc.string({ maxLength: 12 }).map((s) => s.replace(/[$`\0\n]/g, ''));
    fc.assert(fc.property(fc.array(safe.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`), { minLength: 1, maxLength: 4 }), (quoted) => {
      const line = quoted.join(' ');
      const viaSh = execFileSync('/bin/sh', ['-c', `for a in ${line}; do printf '%s\\0' "$a"; done`]).toString().split('\0').slice(0, -1);
      assert.deepEqual(splitArgs(line), viaSh);
    }), { numRuns: 40 });
  });
});
