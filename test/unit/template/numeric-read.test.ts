import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { readLeadingFloat, readLeadingInt } from '../../../src/template/numeric-read.ts';

/** The rule as 1.4's istringstream applied it, without the plain-digits shortcut. */
function reference(text: string, pattern: RegExp): number {
  const m = pattern.exec(text);
  const n = m ? Number(m[1]) : 0;
  return Number.isFinite(n) ? n : 0;
}
const INT = /^[ \t\r\n]*([+-]?\d+)/;
const FLOAT = /^[ \t\r\n]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;

it('reads leading numbers as 1.4 did, the plain-digits shortcut included', () => {
  assert.equal(readLeadingInt('2097152'), 2097152);
  assert.equal(readLeadingInt('007'), 7);
  assert.equal(readLeadingInt('12abc'), 12);
  assert.equal(readLeadingInt('1.9'), 1);
  assert.equal(readLeadingFloat('1.9'), 1.9);
  assert.equal(readLeadingInt(''), 0);
  assert.equal(readLeadingFloat(undefined), 0);
  // Too long to add up exactly digit by digit: it must be read as Number() reads it.
  assert.equal(readLeadingInt('50530233919749309'), 50530233919749310);
  assert.equal(readLeadingFloat('50530233919749309'), 50530233919749310);
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', '+', 'e', ' ', 'x', '٣'), maxLength: 20 }),
    fc.string({ unit: fc.constantFrom('0', '5', '9'), minLength: 1, maxLength: 20 }),
    fc.string(),
  );
  fc.assert(
    fc.property(text, (t) => {
      assert.ok(Object.is(readLeadingInt(t), reference(t, INT)), t);
      assert.ok(Object.is(readLeadingFloat(t), reference(t, FLOAT)), t);
    }),
    { numRuns: 3000 },
  );
});
