import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { computeRank, evaluateRank, parseRank } from '../../../src/template/expressions/rank.ts';

const host: Record<string, string> = { FREECPU: '350', RUNNING_VMS: '3', CPUSPEED: '2.5', TEXT: 'abc' };
const lookup = (name: string) => host[name];

function rank(text: string): number {
  const r = computeRank(text, lookup);
  if (!r.ok) assert.fail(`unexpected syntax error for ${text}: ${r.error.message}`);
  return r.value;
}

describe('RANK (spec §6.6)', () => {
  it('evaluates the three 1.4 placement policies', () => {
    assert.equal(rank('FREECPU'), 350);
    assert.equal(rank('RUNNING_VMS'), 3);
    assert.equal(rank('- RUNNING_VMS'), -3);
  });

  it('gives 0 for empty text and for missing or non-numeric attributes', () => {
    assert.equal(rank(''), 0);
    assert.equal(rank('MISSING'), 0);
    assert.equal(rank('TEXT + 1'), 1);
  });

  it('binds * and / tighter than + and -, left to right', () => {
    assert.equal(rank('1 + 2 * 3'), 7);
    assert.equal(rank('(1 + 2) * 3'), 9);
    assert.equal(rank('10 - 4 - 3'), 3);
    assert.equal(rank('100 / 10 / 5'), 2);
    assert.equal(rank('-2 * 3 + 1'), -5);
  });

  it('reads names as floats and truncates the result to an integer', () => {
    assert.equal(rank('CPUSPEED * 3'), 7);
    assert.equal(rank('7 / 2'), 3);
    assert.equal(rank('-7 / 2'), -3);
    assert.equal(rank('0.4'), 0);
    assert.ok(Object.is(rank('-0.4'), 0));
  });

  it('reads FREECPU-1 as a subtraction (1.4 lexed -1 as one token and failed)', () => {
    assert.equal(rank('FREECPU-1'), 349);
    assert.equal(rank('FREECPU -1'), 349);
  });

  it('counts a division by zero as 0', () => {
    assert.equal(rank('FREECPU / 0'), 0);
    assert.equal(rank('0 / 0'), 0);
  });

  it('returns syntax errors as data', () => {
    for (const bad of ['FREECPU +', '"str"', 'A B', '(1', '2 ^ 3', 'A = 1', ')']) {
      const r = parseRank(bad);
      assert.equal(r.ok, false, bad);
    }
  });

  it('survives deep nesting and long sums', () => {
    assert.equal(parseRank('-'.repeat(100000) + '1').ok, false);
    assert.equal(parseRank('('.repeat(100000)).ok, false);
    assert.equal(rank(Array.from({ length: 50000 }, () => '1').join(' + ')), 50000);
  });

  it('never throws and always yields an integer on arbitrary input', () => {
    const piece = fc.constantFrom('FREECPU', 'x', ' ', '+', '-', '*', '/', '(', ')', '0', '1', '2.5', '"', '!', '=');
    const anyText = fc.oneof(fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), fc.string({ unit: 'binary', maxLength: 80 }));
    fc.assert(
      fc.property(anyText, (text) => {
        const r = parseRank(text);
        if (r.ok) assert.ok(Number.isInteger(evaluateRank(r.value, lookup)));
      }),
      { numRuns: 2000 },
    );
  });
});
