import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InFlight } from '../../../src/drivers/in-flight.ts';

const req = (id: number, verb: string) => ({ id, verb });

test('take matches by id and predicate, oldest first, and removes only what it took', () => {
  const f = new InFlight<{ id: number; verb: string }>();
  const a = req(1, 'POLL'), b = req(1, 'DEPLOY'), c = req(1, 'POLL'), d = req(2, 'POLL');
  for (const p of [a, b, c, d]) f.add(p);
  assert.equal(f.take(1, (p) => p.verb === 'POLL'), a);
  assert.equal(f.take(1, (p) => p.verb === 'POLL'), c);
  assert.equal(f.take(1, (p) => p.verb === 'POLL'), undefined);
  assert.equal(f.take(undefined, () => true), undefined);
  assert.deepEqual([...f], [b, d]);
  assert.equal(f.size, 2);
});

test('delete says whether it was still in flight; takeAll empties in sending order', () => {
  const f = new InFlight<{ id: number; verb: string }>();
  const ps = [req(3, 'A'), req(1, 'B'), req(3, 'C'), req(2, 'D')];
  for (const p of ps) f.add(p);
  assert.equal(f.delete(ps[0]!), true);
  assert.equal(f.delete(ps[0]!), false);
  assert.deepEqual(f.ofId(3), [ps[2]]);
  assert.deepEqual(f.takeAll(), [ps[1], ps[2], ps[3]]);
  assert.equal(f.size, 0);
  assert.deepEqual(f.ofId(3), []);
});

test('100,000 requests answered in order take well under a second', () => {
  const f = new InFlight<{ id: number; verb: string }>();
  for (let i = 0; i < 100_000; i++) f.add(req(i, 'POLL'));
  const start = performance.now();
  for (let i = 0; i < 100_000; i++) assert.ok(f.take(i, (p) => p.verb === 'POLL'));
  assert.ok(performance.now() - start < 1000, 'matching replies must not be linear in what is in flight');
  assert.equal(f.size, 0);
});
