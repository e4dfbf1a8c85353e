import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cliEnv, Oned, REPO, waitFor } from '../helpers/oned-harness.ts';

const audit = (one: Oned, ...args: string[]) =>
  spawnSync(join(REPO, 'bin', 'oneaudit'), args, { env: cliEnv(one), encoding: 'utf8', timeout: 60_000 });

describe('oneaudit, through the API only', () => {
  it('verifies the hash chain and replays the log to what oned serves; a tampered row is caught', async () => {
    let one = await Oned.start();
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
      const log = audit(one, 'log', 'vm/1');
      assert.deepEqual(log.stdout.trim().split('\n').map((l) => JSON.parse(l).event.type), ['VmAllocated', 'VmHeld']);

      await one.stop();
      const db = new Database(join(one.location, 'var', 'one.db'));
      db.prepare("UPDATE events SET data = replace(data, '\"a1\"', '\"evil\"') WHERE stream = 'vm/1' AND version = 1").run();
      db.close();
      one = await Oned.start({ location: one.location });
      const broken = audit(one, 'verify');
      assert.equal(broken.status, 1);
      assert.match(broken.stdout, /hash chain BROKEN at event \d+: hash of event \d+ \(vm\/1 v1 VmAllocated\)/);
    } finally {
      await one.stop();
      one.remove();
    }
  });
});
