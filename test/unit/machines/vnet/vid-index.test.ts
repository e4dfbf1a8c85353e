import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { VidIndex } from '../../../../src/machines/vnet/vid-index.ts';

describe('VidIndex', () => {
  it('matches a Map of vid → slots under random adds and removes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(200), fc.nat(12)), { maxLength: 600 }),
        (ops) => {
          const owner = new Int32Array(201).fill(-1);
          const index = new VidIndex((slot) => owner[slot]);
          for (const [add, slot, vid] of ops) {
            if (add && owner[slot] === -1) {
              owner[slot] = vid;
              index.add(slot);
            } else if (!add && owner[slot] !== -1) {
              index.remove(slot);
              owner[slot] = -1;
            }
          }
          let total = 0;
          for (let vid = 0; vid <= 12; vid++) {
            const expected = [...owner.keys()].filter((s) => owner[s] === vid);
            assert.deepEqual(index.slotsOf(vid), expected);
            total += expected.length;
          }
          assert.equal(index.size, total);
        },
      ),
    );
  });

  it('stays at 4 bytes per table entry, table at most twice the entries', () => {
    const owner = new Int32Array(65_534);
    const index = new VidIndex((slot) => owner[slot]);
    for (let s = 0; s < owner.length; s++) {
      owner[s] = 1000 + s;
      index.add(s);
    }
    assert.equal(index.size, 65_534);
    assert.ok(index.bytes <= 4 * 2 * 2 * 65_534, `${index.bytes} bytes`);
    assert.deepEqual(index.slotsOf(1000 + 777), [777]);
  });
});
