/**
 * Monitoring samples on a full disk: a real SQLite file capped with
 * `PRAGMA max_page_count` fails writes with SQLITE_FULL, as a full file
 * system does. Samples are not the truth, but losing the write must never
 * be fatal, and they must reach the file once there is room.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { MonitoringStore, openMonitoringStore } from '../../../src/store/monitoring-store.ts';
import { tempDir } from './temp-dir.ts';

const tmp = tempDir('monitoring-full');
after(() => tmp.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pad = 'x'.repeat(4000);

describe('MonitoringStore on a full disk', () => {
  it('keeps failed samples queued without throwing, reports once, and writes them when there is room', async () => {
    const path = tmp.path('var', 'monitoring.db');
    openMonitoringStore(path).close(); // creates the file and its table
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    const states: (Error | undefined)[] = [];
    const store = new MonitoringStore(db, { retryMs: 30, maxQueued: 50, onWriteState: (f) => states.push(f) });
    store.record('host', 0, 1, { pad });
    assert.equal(store.size('host', 0), 1);

    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    for (let t = 2; t < 80; t++) store.record('host', 0, t, { pad, t });
    assert.equal(store.size('host', 0), 1, 'reads still answer (and flush does not throw)');
    assert.deepEqual(store.latest('host', 0)?.time, 1);
    await sleep(100); // a few failed retries
    assert.equal(states.length, 1);
    assert.match(states[0]!.message, /database or disk is full/);

    db.pragma('max_page_count = 1000000');
    await sleep(150);
    assert.deepEqual(states, [states[0], undefined], 'the recovery is reported once');
    // 78 samples were queued; only the newest 50 were kept.
    assert.equal(store.size('host', 0), 51);
    assert.equal(store.latest('host', 0)?.time, 79);
    store.close();
  });
});
