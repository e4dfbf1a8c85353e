import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCapacity } from '../../../src/core/capacity-limits.ts';
import { parseTemplate } from '../../../src/template/parse-template.ts';

function check(text: string): string | undefined {
  const parsed = parseTemplate(text);
  assert.ok(parsed.ok, text);
  const e = checkCapacity(parsed.value);
  if (e) assert.equal(e.code, 0x1000);
  return e?.message;
}

describe('capacity limits of a VM template', () => {
  it('accepts figures within the bounds, and templates without them', () => {
    for (const t of ['NAME = a', 'CPU = 0.5\nMEMORY = 512', 'CPU = 1024\nMEMORY = 4294967296\nVCPU = 1024', 'CPU = 0\nMEMORY = 0', 'cpu = " 2 "\nmemory = 64', 'CPU = .25', 'CPU = 1.']) {
      assert.equal(check(t), undefined, t);
    }
  });

  it('refuses the issue reproductions, naming the attribute', () => {
    assert.equal(check('CPU = -1000\nMEMORY = 64'), 'Invalid CPU "-1000" in VM template: it must be a number of CPUs from 0 to 1024');
    assert.equal(check('CPU = 1\nMEMORY = 99999999999999999999999'), 'Invalid MEMORY "99999999999999999999999" in VM template: it must be a whole number of MB from 0 to 4294967296');
  });

  it('refuses negative, too large, non-finite, exponent, fractional MEMORY, text, empty and vector values', () => {
    const refused: [string, string][] = [
      ['CPU = 1024.01', 'CPU'], ['CPU = 1e3', 'CPU'], ['CPU = Infinity', 'CPU'], ['CPU = NaN', 'CPU'], ['CPU = 0x10', 'CPU'],
      ['CPU = "1 node1"', 'CPU'], ['CPU = ""', 'CPU'], ['CPU = +1', 'CPU'], ['CPU = [ A = 1 ]', 'CPU'],
      ['MEMORY = 4294967297', 'MEMORY'], ['MEMORY = 512.5', 'MEMORY'], ['MEMORY = -1', 'MEMORY'], ['MEMORY = 12abc', 'MEMORY'],
      ['VCPU = 0', 'VCPU'], ['VCPU = 1025', 'VCPU'], ['VCPU = 1.5', 'VCPU'], ['VCPU = -2', 'VCPU'],
      ['CPU = 1\nCPU = -1', 'CPU'],
    ];
    for (const [t, attribute] of refused) assert.match(check(t) ?? 'accepted', new RegExp(`^Invalid ${attribute} `), t);
  });

  it('cuts a long value short in the message', () => {
    const message = check(`MEMORY = ${'9'.repeat(500)}`)!;
    assert.ok(message.length < 150, message);
  });
});
