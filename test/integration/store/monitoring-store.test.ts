import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openMonitoringStore } from '../../../src/store/monitoring-store.ts';
import { tempDir } from './temp-dir.ts';

const tmp = tempDir('monitoring');
after(() => tmp.cleanup());

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MonitoringStore', () => {
  it('keeps only the last N samples per entity, however many arrive', async () => {
    const store = openMonitoringStore(tmp.path('var', 'monitoring.db'), { maxPerEntity: 10 });
    for (let round = 0; round < 5; round++) {
      for (let t = 0; t < 30; t++) {
        const time = round * 30 + t;
        store.record('host', 1, time, { USEDCPU: time });
        store.record('vm', 1, time, { CPU: time });
      }
      await nextTurn();
    }
    assert.equal(store.size('host', 1), 10);
    assert.equal(store.size('vm', 1), 10);
    assert.equal(store.size(), 20);
    assert.deepEqual(store.history('host', 1).map((s) => s.time), [140, 141, 142, 143, 144, 145, 146, 147, 148, 149]);
    assert.deepEqual(store.latest('vm', 1), { time: 149, sample: { CPU: 149 } });
    store.close();
  });

  it('keeps host and vm with the same id apart, and filters history by time', () => {
    const store = openMonitoringStore(tmp.path('a', 'monitoring.db'));
    store.record('host', 3, 100, { FREEMEMORY: 1 });
    store.record('host', 3, 110, { FREEMEMORY: 2 });
    store.record('vm', 3, 105, { MEMORY: 9 });
    assert.deepEqual(store.history('host', 3, 105), [{ time: 110, sample: { FREEMEMORY: 2 } }]);
    assert.deepEqual(store.latest('vm', 3), { time: 105, sample: { MEMORY: 9 } });
    assert.equal(store.latest('vm', 4), undefined);
    store.close();
  });

  it('gives the newest sample of every entity of a kind in one call', () => {
    const store = openMonitoringStore(tmp.path('latest', 'monitoring.db'), { maxPerEntity: 5 });
    for (let time = 0; time < 20; time++) {
      for (const id of [0, 2, 9]) store.record('vm', id, time, { id, time });
    }
    store.record('host', 2, 99, { host: true }); // another kind with the same id stays out
    store.record('vm', 2, 7, { id: 2, late: true }); // newest by arrival, not by time
    const latest = store.latestOfEach('vm');
    assert.deepEqual([...latest.keys()].sort(), [0, 2, 9]);
    assert.deepEqual(latest.get(0), { time: 19, sample: { id: 0, time: 19 } });
    assert.deepEqual(latest.get(2), { time: 7, sample: { id: 2, late: true } });
    assert.equal(store.latestOfEach('host').get(2)?.time, 99);
    store.close();
  });

  it('expires samples older than the TTL', () => {
    const store = openMonitoringStore(tmp.path('b', 'monitoring.db'), { maxPerEntity: 1000, ttlSeconds: 60 });
    for (let time = 0; time <= 300; time += 10) store.record('host', 0, time, { t: time });
    store.flush();
    assert.deepEqual(store.history('host', 0).map((s) => s.time), [240, 250, 260, 270, 280, 290, 300]);
    store.close();
  });

  it('writes one tick of samples in one batch and survives reopening', async () => {
    const path = tmp.path('c', 'monitoring.db');
    const store = openMonitoringStore(path, { maxPerEntity: 3 });
    for (let id = 0; id < 50; id++) store.record('vm', id, 1, { id });
    await nextTurn();
    assert.deepEqual(store.stats(), { batches: 1, samples: 50 });
    store.record('vm', 7, 2, { id: 7, later: true });
    store.close(); // flushes what is queued
    const again = openMonitoringStore(path, { maxPerEntity: 3 });
    assert.equal(again.size(), 51);
    assert.deepEqual(again.latest('vm', 7), { time: 2, sample: { id: 7, later: true } });
    again.close();
  });

  it('rejects bad input at the edge', () => {
    const store = openMonitoringStore(tmp.path('d', 'monitoring.db'));
    assert.throws(() => store.record('image' as 'vm', 1, 1, {}), TypeError);
    assert.throws(() => store.record('vm', -1, 1, {}), TypeError);
    assert.throws(() => store.record('vm', 1, NaN, {}), TypeError);
    assert.throws(() => store.record('vm', 1, 1, null as unknown as object), TypeError);
    assert.throws(() => openMonitoringStore(tmp.path('e', 'monitoring.db'), { maxPerEntity: 0 }), RangeError);
    assert.equal(store.size(), 0);
    store.close();
  });
});
