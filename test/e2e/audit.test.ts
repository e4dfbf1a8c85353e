import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cliEnv, Oned, REPO, waitFor } from '../helpers/oned-harness.ts';

const audit = (one: Oned, ...args: string[]) =>
  spawnSync(join(REPO, 'bin', 'oneaudit'), args, { env: cliEnv(one), encoding: 'utf8', timeout: 60_000 });

describe('oneaudit, through the API only', () => {
  it('verifies the hash chain and replays the log to what oned serves; every tampered row is caught, and replay refuses a broken chain', async () => {
    const one = await Oned.start();
    try {
      await one.ok('one.host.allocate', 'n0', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      for (let i = 0; i < 3; i++) await one.ok('one.vm.allocate', `NAME = a${i}\nCPU = 0.1\nMEMORY = 16`);
      await one.ok('one.vm.deploy', 0, 0);
      await one.ok('one.vm.action', 'hold', 1);
      await waitFor('VM 0 running', async () => /<LCM_STATE>3<\/LCM_STATE>/.test(String(await one.ok('one.vm.info', 0))));

      const verified = audit(one, 'verify');
      assert.equal(verified.status, 0, verified.stderr);
      assert.match(verified.stdout, /^hash chain verified: \d+ events$/m);
      const replayed = audit(one, 'replay');
      assert.equal(replayed.status, 0, replayed.stdout + replayed.stderr);
      assert.match(replayed.stdout, /replay matches oned/);
      const log = audit(one, 'log', 'vm/1', '--json');
      assert.deepEqual(log.stdout.trim().split('\n').map((l) => JSON.parse(l).event.type), ['VmAllocated', 'VmHeld']);

      // Tamper with one.db behind the running oned's back (one.event.poll reads the table):
      // change a row, delete a row, and swap two rows of different streams.
      const db = new Database(join(one.location, 'var', 'one.db'));
      const seqOf = (stream: string, version: number) =>
        (db.prepare('SELECT seq FROM events WHERE stream = ? AND version = ?').pluck().get(stream, version) as number);
      const changed = seqOf('vm/1', 1);
      const deleted = seqOf('vm/0', 2);
      const [movedA, movedB] = [seqOf('host/0', 1), seqOf('vm/2', 1)];
      db.transaction(() => {
        db.prepare("UPDATE events SET data = replace(data, '\"a1\"', '\"evil\"') WHERE seq = ?").run(changed);
        db.prepare('DELETE FROM events WHERE seq = ?').run(deleted);
        db.prepare('UPDATE events SET seq = -1 WHERE seq = ?').run(movedA);
        db.prepare('UPDATE events SET seq = ? WHERE seq = ?').run(movedA, movedB);
        db.prepare('UPDATE events SET seq = ? WHERE seq = -1').run(movedB);
      })();
      db.close();

      const broken = audit(one, 'verify');
      assert.equal(broken.status, 1, broken.stdout + broken.stderr);
      const out = broken.stdout;
      assert.match(out, new RegExp(`^hash chain BROKEN at event ${changed} \\(vm/1\\): hash of event ${changed} \\(vm/1 v1 VmAllocated\\)`, 'm'));
      assert.match(out, new RegExp(`^hash chain BROKEN at event ${deleted}: event ${deleted} is missing`, 'm'));
      assert.match(out, new RegExp(`^hash chain BROKEN at event \\d+ \\(vm/0\\): vm/0 v2 is missing`, 'm'));
      // Each moved row is named at the seq it now sits at, with its own stream.
      assert.match(out, new RegExp(`^hash chain BROKEN at event ${movedA} \\(vm/2\\): hash of event ${movedA} \\(vm/2 v1 VmAllocated\\)`, 'm'));
      assert.match(out, new RegExp(`^hash chain BROKEN at event ${movedB} \\(host/0\\): hash of event ${movedB} \\(host/0 v1 HostAllocated\\)`, 'm'));
      assert.match(out, /^hash chain BROKEN: 5 breaks in \d+ events$/m);

      const replayedBroken = audit(one, 'replay');
      assert.notEqual(replayedBroken.status, 0, replayedBroken.stdout + replayedBroken.stderr);
      assert.match(replayedBroken.stdout, /^replay FAILED: the hash chain is broken \(5 breaks\)/m);
      assert.doesNotMatch(replayedBroken.stdout, /matches/);
    } finally {
      await one.stop();
      one.remove();
    }
  });
});
