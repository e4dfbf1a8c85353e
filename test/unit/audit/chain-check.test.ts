import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChainChecker } from '../../../src/audit/chain-check.ts';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { canonicalJsonWithout } from '../../../src/store/canonical-json.ts';
import { chainHash, GENESIS_HASH } from '../../../src/store/hash-chain.ts';

/** A well-chained log: events alternate between vm/0 and vm/1. */
function chain(n: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  let previous: Uint8Array = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const stream = `vm/${seq % 2}`;
    const version = Math.ceil(seq / 2);
    const event = { type: 'VmHeld', note: `e${seq}` } as unknown as StoredEvent['event'];
    const hash = chainHash(previous, { seq, stream, version, type: event.type, data: canonicalJsonWithout(event, 'type'), meta: null, ts: 1000 + seq });
    out.push({ seq, stream, version, event, ts: 1000 + seq, meta: {}, hash: hash.toString('hex') });
    previous = hash;
  }
  return out;
}

const check = (events: StoredEvent[]) => {
  const c = new ChainChecker();
  c.add(events.slice(0, 5));
  c.add(events.slice(5));
  return c.result();
};
const breaks = (events: StoredEvent[]) => {
  const r = check(events);
  assert.equal(r.ok, false);
  return r.ok ? [] : r.breaks.map((b) => [b.seq, b.stream]);
};

describe('ChainChecker (oneaudit verify)', () => {
  it('accepts an intact log', () => {
    assert.deepEqual(check(chain(12)), { ok: true, events: 12 });
  });

  it('reports every changed row, each by seq and stream, and nothing else', () => {
    const log = chain(12);
    for (const i of [2, 8]) log[i] = { ...log[i]!, event: { ...log[i]!.event, note: 'evil' } as never };
    assert.deepEqual(breaks(log), [[3, 'vm/1'], [9, 'vm/1']]);
  });

  it('names a deleted row by its seq and by the gap it leaves in its stream', () => {
    const log = chain(12);
    log.splice(5, 1); // seq 6, vm/0 v3
    const r = check(log);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.breaks.map((b) => [b.seq, b.stream]), [[6, undefined], [8, 'vm/0']]);
    assert.match(r.breaks[0]!.reason, /event 6 is missing/);
    assert.match(r.breaks[1]!.reason, /vm\/0 v3 is missing \(v4 is event 8\)/);
  });

  it('names both rows of a swap', () => {
    const log = chain(12);
    // Two rows trade places (their seqs swapped in the table): vm/1 v2 and vm/0 v5.
    const [a, b] = [log[2]!, log[9]!];
    log[2] = { ...b, seq: 3 };
    log[9] = { ...a, seq: 10 };
    // The rows after each moved one are intact and not reported.
    assert.deepEqual(breaks(log), [[3, 'vm/0'], [10, 'vm/1']]);
  });

  it('reports a row served twice', () => {
    const log = chain(6);
    log.splice(4, 0, log[3]!);
    assert.deepEqual(breaks(log), [[4, 'vm/0'], [4, 'vm/0']]);
  });

  it('reports every link when a whole stretch is rewritten', () => {
    const log = chain(12).map((e) => (e.seq > 4 ? { ...e, event: { ...e.event, note: 'x' } as never } : e));
    assert.equal(breaks(log).length, 8);
  });
});
