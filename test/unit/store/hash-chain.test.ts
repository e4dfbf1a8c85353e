import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson } from '../../../src/store/canonical-json.ts';
import { GENESIS_HASH, canonicalEventText, chainHash } from '../../../src/store/hash-chain.ts';

const fields = fc.record({
  seq: fc.integer({ min: 1, max: 2 ** 40 }),
  stream: fc.string(),
  version: fc.integer({ min: 1, max: 2 ** 31 }),
  type: fc.string({ minLength: 1 }),
  data: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
  meta: fc.option(fc.record({ uid: fc.nat(), cause: fc.string() }, { requiredKeys: [] }), { nil: null }),
  ts: fc.integer({ min: 0, max: 2 ** 45 }),
});

describe('hash chain', () => {
  it('hashes the canonical JSON of {seq, stream, version, type, data, meta, ts}', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const stored = { ...f, data: canonicalJson(f.data), meta: f.meta === null ? null : canonicalJson(f.meta) };
        assert.equal(canonicalEventText(stored), canonicalJson(f));
      }),
    );
  });

  it('chains: SHA-256 of the previous hash bytes then the canonical event, from 32 zero bytes', () => {
    const first = { seq: 1, stream: 'vm/0', version: 1, type: 'VmAllocated', data: '{"vid":0}', meta: null, ts: 5 };
    const h1 = chainHash(GENESIS_HASH, first);
    const expected = createHash('sha256').update(Buffer.alloc(32)).update(canonicalEventText(first)).digest();
    assert.deepEqual(h1, expected);
    const h2 = chainHash(h1, { ...first, seq: 2, version: 2 });
    assert.notDeepEqual(h2, chainHash(GENESIS_HASH, { ...first, seq: 2, version: 2 }), 'depends on the previous hash');
    assert.equal(GENESIS_HASH.length, 32);
    assert.ok(GENESIS_HASH.every((b) => b === 0));
  });
});
