import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeSlotRuns, encodeSlotRuns } from '../../../../src/machines/vnet/slot-runs.ts';

const decode = (runs: number[]) => {
  const out: [number, number][] = [];
  decodeSlotRuns(runs, (slot, vid) => out.push([slot, vid]));
  return out;
};

describe('slot runs', () => {
  it('a network filled in order by VMs in order is one run', () => {
    const pairs: [number, number][] = Array.from({ length: 65_534 }, (_, i) => [i, 100 + i]);
    const runs = encodeSlotRuns(pairs);
    assert.deepEqual(runs, [0, 65_534, 100, 1]);
    assert.deepEqual(decode(runs), pairs);
  });

  it('round-trips any ascending slot list with any vids', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(3000), { maxLength: 300 }), fc.array(fc.nat(50), { minLength: 300, maxLength: 300 }), (slots, vids) => {
        slots.sort((a, b) => a - b);
        const pairs = slots.map((s, i) => [s, vids[i]] as [number, number]);
        assert.deepEqual(decode(encodeSlotRuns(pairs)), pairs);
      }),
    );
  });
});
