import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonWithout } from '../../../src/store/canonical-json.ts';

/** Rebuilds an object with its keys inserted in reverse order, recursively. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines own properties, so a "__proto__" key stays a key.
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
}

describe('canonicalJson', () => {
  it('sorts keys at every depth', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });

  it('sorts by code unit, including integer-like keys that JS enumerates first', () => {
    assert.equal(canonicalJson({ b: 1, 10: 'x', 9: 'y', B: 2 }), '{"10":"x","9":"y","B":2,"b":1}');
  });

  it('follows JSON.stringify for undefined, functions, non-finite numbers, -0 and toJSON', () => {
    const value = { u: undefined, f: () => 1, n: NaN, i: -Infinity, z: -0, a: [undefined, () => 1], d: new Date(0) };
    assert.equal(canonicalJson(value), '{"a":[null,null],"d":"1970-01-01T00:00:00.000Z","i":null,"n":null,"z":0}');
  });

  it('keeps a "__proto__" key as data', () => {
    assert.equal(canonicalJson(JSON.parse('{"b":1,"__proto__":[2]}')), '{"__proto__":[2],"b":1}');
  });

  it('can leave out one top-level key, as the event log does with type', () => {
    assert.equal(canonicalJsonWithout({ type: 'VmAllocated', vid: 3, a: { type: 'kept' } }, 'type'), '{"a":{"type":"kept"},"vid":3}');
    assert.equal(canonicalJsonWithout({ type: 'Empty' }, 'type'), '{}');
  });

  it('refuses values JSON cannot hold', () => {
    assert.throws(() => canonicalJson(undefined), TypeError);
    assert.throws(() => canonicalJson({ n: 1n }), TypeError);
  });

  it('means the same as JSON.stringify and does not depend on key insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        assert.deepStrictEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
        assert.equal(canonicalJson(reverseKeys(value)), text);
        assert.equal(canonicalJson(JSON.parse(text)), text, 'canonical text is a fixed point');
      }),
    );
  });
});
