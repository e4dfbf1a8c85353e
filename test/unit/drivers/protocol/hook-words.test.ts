import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isSafeToken } from '../../../../src/drivers/protocol/format-line.ts';
import { decodeHookWords, encodeHookWords } from '../../../../src/drivers/protocol/hook-words.ts';

// fast-check prints the seed and path of a failure; rerun with fc.assert(…, { seed, path }).
describe('hook words on the EXECUTE line', () => {
  it('is one token that decodes to exactly the words sent', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 6 }), (words) => {
      const token = encodeHookWords(words);
      assert.ok(isSafeToken(token), token);
      assert.deepEqual(decodeHookWords(token), words);
    }), { numRuns: 300 });
    assert.equal(encodeHookWords([]), 'W10=');
  });

  it('refuses what the core never sends', () => {
    assert.deepEqual(decodeHookWords('a b'), { error: 'arguments are not base64' });
    assert.deepEqual(decodeHookWords(Buffer.from('{"a":1}').toString('base64')), { error: 'arguments are not a JSON array of strings' });
    assert.deepEqual(decodeHookWords(Buffer.from('[1]').toString('base64')), { error: 'arguments are not a JSON array of strings' });
    assert.deepEqual(decodeHookWords(Buffer.from('[').toString('base64')), { error: 'arguments are not a JSON array' });
  });
});
