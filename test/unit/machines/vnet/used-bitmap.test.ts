import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { UsedBitmap } from '../../../../src/machines/vnet/used-bitmap.ts';

/** The obvious linear version, to compare with. */
function naiveNextFree(used: Set<number>, capacity: number, from: number): number {
  for (let i = from; i < capacity; i++) if (!used.has(i)) return i;
  return -1;
}

describe('UsedBitmap', () => {
  it('finds the next free slot across words and summary levels', () => {
    const b = new UsedBitmap(70_000);
    for (let i = 0; i < 66_000; i++) b.add(i);
    assert.equal(b.size, 66_000);
    assert.equal(b.nextFree(0), 66_000);
    b.delete(5);
    assert.equal(b.nextFree(0), 5);
    assert.equal(b.nextFree(6), 66_000);
    for (let i = 66_000; i < 70_000; i++) b.add(i);
    assert.equal(b.nextFree(6), -1);
    assert.equal(b.nextFree(70_000), -1);
  });

  it('never returns a slot beyond the capacity', () => {
    const b = new UsedBitmap(33);
    for (let i = 0; i < 33; i++) b.add(i);
    assert.equal(b.nextFree(0), -1);
    const empty = new UsedBitmap(0);
    assert.equal(empty.nextFree(0), -1);
  });

  it('agrees with a linear scan on random add/delete sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.nat()), { maxLength: 400 }),
        (capacity, ops) => {
          const b = new UsedBitmap(capacity);
          const model = new Set<number>();
          for (const [add, raw, probe] of ops) {
            const slot = raw % capacity;
            if (add) {
              // fill a short run so that words become full and summaries get exercised
              for (let i = slot; i < Math.min(capacity, slot + 64); i++) {
                b.add(i);
                model.add(i);
              }
            } else {
              b.delete(slot);
              model.delete(slot);
            }
            const from = probe % (capacity + 1);
            assert.equal(b.nextFree(from), naiveNextFree(model, capacity, from));
            assert.equal(b.size, model.size);
          }
          assert.deepEqual([...b.slots()], [...model].sort((x, y) => x - y));
        },
      ),
    );
  });
});
