import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { expandRange, expandRanges, MAX_RANGE_SIZE } from '../../../src/cli/lib/ranges.ts';

describe('range expansion (§10.1)', () => {
  it('expands prefix[a-b]suffix inclusively', () => {
    assert.deepEqual(expandRange('host[1-3].lan'), ['host1.lan', 'host2.lan', 'host3.lan']);
    assert.deepEqual(expandRange('[4-6]'), ['4', '5', '6']);
  });

  it('expands prefix[a+n] to a..a+n, as the 1.4 client did', () => {
    assert.deepEqual(expandRange('vm[8+2]'), ['vm8', 'vm9', 'vm10']);
  });

  it('keeps zero padding when a starts with 0', () => {
    assert.deepEqual(expandRange('web[08-11]'), ['web08', 'web09', 'web10', 'web11']);
    assert.deepEqual(expandRange('n[001+1]x'), ['n001x', 'n002x']);
  });

  it('passes plain names and ids through and flattens several arguments', () => {
    assert.deepEqual(expandRanges(['7', 'db', 'h[1-2]']), ['7', 'db', 'h1', 'h2']);
    assert.deepEqual(expandRange('odd[name'), ['odd[name']);
  });

  it('rejects empty and huge ranges', () => {
    assert.throws(() => expandRange('h[5-2]'), /empty range/);
    assert.throws(() => expandRange(`h[0-${MAX_RANGE_SIZE}]`), /larger than/);
  });

  it('yields b-a+1 consecutive numbers, all of the padded width', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(50), fc.boolean(), (a, len, pad) => {
        const startText = pad ? `0${a}` : String(a);
        const out = expandRange(`p[${startText}-${a + len}]s`);
        assert.equal(out.length, len + 1);
        out.forEach((item, i) => {
          const digits = item.slice(1, -1);
          assert.equal(Number(digits), a + i);
          if (pad) assert.ok(digits.length >= startText.length);
        });
      }),
    );
  });
});
