import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDriverArgs } from '../../../src/drivers/driver-args.ts';

describe('parseDriverArgs', () => {
  it('reads -t and -r and keeps the rest', () => {
    assert.deepEqual(parseDriverArgs(['-r', '0', '-t', '4', 'kvm']), { threads: 4, retries: 0, positional: ['kvm'] });
    assert.deepEqual(parseDriverArgs([]), { threads: 15, retries: 0, positional: [] });
  });
  it('rejects a missing or non-numeric value', () => {
    assert.ok('error' in parseDriverArgs(['-t']));
    assert.ok('error' in parseDriverArgs(['-t', 'many']));
  });
});
