/**
 * oned refuses to serve a log that disagrees with its checkpoint, its
 * recorded head or its own hash chain, with one line that names the seq and
 * the stream; `--rebuild` folds the whole log instead of the snapshots.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Oned, onedExpectingFailure } from '../helpers/oned-harness.ts';

const started: Oned[] = [];
after(async () => {
  for (const one of started) {
    await one.stop();
    one.remove();
  }
});

/** oned with three VMs, stopped cleanly (a checkpoint and var/one.head written), then one more VM after a restart, killed. */
async function installation(): Promise<{ location: string; vmNames: string[] }> {
  const first = await Oned.start({ conf: 'SNAPSHOT_INTERVAL = 1000' });
  started.push(first);
  for (const name of ['a', 'b', 'c']) await first.ok('one.vm.allocate', `NAME = ${name}\nCPU = 0.1\nMEMORY = 64`);
  await first.stop();
  const second = await Oned.start({ location: first.location });
  started.push(second);
  await second.ok('one.vm.allocate', 'NAME = d\nCPU = 0.1\nMEMORY = 64');
  await second.crash();
  return { location: first.location, vmNames: ['a', 'b', 'c', 'd'] };
}

function tamper(location: string, sql: string): void {
  const db = new Database(join(location, 'var', 'one.db'));
  db.exec(sql);
  db.close();
}

/** One line on stderr, a non-zero exit, and no lock left behind. */
function assertStoppedCleanly(location: string, run: { code: number; stderr: string }, pattern: RegExp): void {
  assert.notEqual(run.code, 0);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
  assert.equal(existsSync(join(location, 'var', '.lock')), false, 'lock left behind');
}

async function vmNames(one: Oned): Promise<string[]> {
  const xml = String(await one.ok('one.vmpool.info', -2));
  return [...xml.matchAll(/<NAME>([^<]*)<\/NAME>/g)].map((m) => m[1]!);
}

describe('start-up integrity', () => {
  it('records the head outside the database and refuses a log that lost its tail, without bootstrapping anyone', async () => {
    const { location } = await installation();
    const head = JSON.parse(readFileSync(join(location, 'var', 'one.head'), 'utf8')) as { seq: number; hash: string };
    assert.ok(head.seq > 0);
    tamper(location, `DELETE FROM events WHERE seq >= ${head.seq - 1}`);
    const run = await onedExpectingFailure(location);
    assertStoppedCleanly(location, run, new RegExp(`log ends at seq ${head.seq - 2}, but seq ${head.seq} was committed`));
    const db = new Database(join(location, 'var', 'one.db'), { readonly: true });
    assert.equal(db.prepare('SELECT MAX(seq) FROM events').pluck().get(), head.seq - 2, 'start-up wrote to the log');
    db.close();
  });

  it('refuses a row edited behind its back, naming the seq and stream, with or without --rebuild', async () => {
    const { location } = await installation();
    tamper(location, `UPDATE events SET data = replace(data, '"d"', '"x"') WHERE type = 'VmAllocated' AND stream = 'vm/3'`);
    const seq = (() => {
      const db = new Database(join(location, 'var', 'one.db'));
      const row = db.prepare("SELECT seq FROM events WHERE stream = 'vm/3' AND version = 1").get() as { seq: number };
      db.close();
      return row.seq;
    })();
    for (const args of [[], ['--rebuild']]) {
      const run = await onedExpectingFailure(location, args);
      assertStoppedCleanly(location, run, new RegExp(`hash chain broken at event ${seq} \\(vm/3\\)`));
    }
  });

  it('refuses a snapshot that does not match its stream, and --rebuild folds the whole log instead', async () => {
    const { location, vmNames: names } = await installation();
    tamper(location, "UPDATE snapshots SET version = version + 1 WHERE stream = 'vm/1'");
    const run = await onedExpectingFailure(location);
    assertStoppedCleanly(location, run, /snapshot of vm\/1 holds version \d+, but at the checkpoint \(seq \d+\) the stream is at version \d+.*--rebuild/);
    const rebuilt = await Oned.start({ location, args: ['--rebuild'] });
    started.push(rebuilt);
    assert.deepEqual(await vmNames(rebuilt), names);
    assert.match(rebuilt.log(), /Rebuilt \d+ entities from \d+ events \(--rebuild\)/);
    await rebuilt.stop();
    const again = await Oned.start({ location });
    started.push(again);
    assert.deepEqual(await vmNames(again), names);
  });
});
