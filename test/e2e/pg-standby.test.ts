/**
 * Two oned front-ends, each with its own ONE_LOCATION and port, on one
 * PostgreSQL database (a private cluster): one leads, the other follows as
 * a standby (reads served, writes refused naming the leader), takes over
 * within 5 s when the leader is SIGKILLed, and the old leader comes back as
 * a standby. Split brain: a SIGSTOPped leader loses the lock, and once
 * SIGCONTed steps down without writing an event. Real oned, dummy drivers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Oned, REPO, allEvents, dummyConf, makeLocation, onedExpectingFailure, runCli, waitFor } from '../helpers/oned-harness.ts';
import { freePort } from '../helpers/free-port.ts';
import { PgCluster } from '../helpers/pg-cluster.ts';

let cluster: PgCluster;
before(async () => void (cluster = await PgCluster.start()));
after(() => cluster?.stop());

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];
const vmConf = (name: string) => `NAME = "${name}"\nCPU = 0.1\nMEMORY = 32`;

/** `one status` for a front-end's ONE_LOCATION. */
function status(one: Oned): string {
  const run = spawnSync(join(REPO, 'bin', 'one'), ['status'], { env: { ...process.env, ONE_LOCATION: one.location }, encoding: 'utf8' });
  return run.stdout;
}

/** Starts a front-end on `database` (a fresh location unless one is given). */
function frontEnd(database: string, location?: string): Promise<Oned> {
  return Oned.start({ location: location ?? makeLocation(dummyConf(0, cluster.dbConf(database))) });
}

/** Retries a write until it is accepted; resolves with its value and when it was accepted. */
async function firstAcceptedWrite(one: Oned, name: string): Promise<{ value: number; at: number }> {
  return waitFor(`a write accepted by ${one.port}`, async () => {
    const [ok, value] = await one.call('one.vm.allocate', vmConf(name)).catch(() => [false, undefined] as const);
    return ok ? { value: value as number, at: Date.now() } : undefined;
  }, 30_000);
}

describe('a standby front-end on PostgreSQL', () => {
  it('follows the log, serves reads, refuses writes naming the leader, and takes over within 5 s of the leader being SIGKILLed', async () => {
    const database = await cluster.createDatabase('standby');
    let a = await frontEnd(database);
    const b = await frontEnd(database);
    try {
      assert.match(status(a), /oned is running \(pid \d+\), leader/);
      assert.match(status(b), new RegExp(`oned is running \\(pid \\d+\\), standby \\(leader: http://127\\.0\\.0\\.1:${a.port}/RPC2\\)`));
      const hid = await a.ok('one.host.allocate', 'node0', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      assert.equal(await a.ok('one.vm.allocate', vmConf("vm0 $(id) `id`; 'q'")), 0);
      await a.ok('one.vm.deploy', 0, hid);
      await waitFor('VM 0 RUNNING on the standby', async () => tag(await b.ok('one.vm.info', 0), 'LCM_STATE') === '3', 30_000);
      assert.equal(tag(await b.ok('one.vm.info', 0), 'NAME'), "vm0 $(id) `id`; 'q'");
      assert.match(String(await b.ok('one.hostpool.info')), /<NAME>node0<\/NAME>/);
      const followed = await allEvents(b); // one.event.poll on the standby: the leader's log
      assert.deepEqual(followed.map((e) => e.seq), (await allEvents(a)).slice(0, followed.length).map((e) => e.seq));
      assert.ok(followed.some((e) => e.stream === 'vm/0' && e.event.type === 'VmAllocated'));

      const [ok, message, code] = await b.call('one.vm.allocate', vmConf('refused'));
      assert.equal(ok, false);
      assert.equal(code, 0x2000);
      assert.equal(message, `This oned is a standby; send writes to the leader at http://127.0.0.1:${a.port}/RPC2`);

      // --rebuild drops the snapshots the running leader's checkpoints rely on: refused.
      const rebuilding = makeLocation(dummyConf(await freePort(), cluster.dbConf(database)));
      const refusedRebuild = await onedExpectingFailure(rebuilding, ['--rebuild']);
      spawnSync('rm', ['-rf', rebuilding]);
      assert.notEqual(refusedRebuild.code, 0);
      assert.equal(refusedRebuild.stderr.trim(), 'oned: another front-end leads this log: stop it, or run --rebuild on it');

      await a.crash();
      const killedAt = Date.now();
      const accepted = await firstAcceptedWrite(b, 'after takeover');
      const takeoverS = (accepted.at - killedAt) / 1000;
      assert.ok(takeoverS < 5, `takeover took ${takeoverS} s`);
      assert.equal(accepted.value, 1, 'the next id, none reused');
      assert.match(b.log(), /Took over as the leader \(epoch \d+\)/);
      await waitFor('the new leader in one status', () => /, leader/.test(status(b)));

      a = await frontEnd(database, a.location); // the old leader comes back as a standby
      await waitFor('the old leader as a standby', () => /standby/.test(status(a)));
      await waitFor('the standby sees the VM made after the takeover', async () => tag(await a.ok('one.vm.info', 1), 'NAME') === 'after takeover');
      const run = await runCli(b, 'oneaudit', ['verify']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      console.log(`takeover_s ${takeoverS}`);
    } finally {
      for (const one of [a, b]) {
        await one.stop();
        one.remove();
      }
    }
  });

  it('split brain: a SIGSTOPped leader loses the lock, and once SIGCONTed steps down without writing an event', async () => {
    const database = await cluster.createDatabase('split');
    const a = await frontEnd(database);
    const b = await frontEnd(database);
    try {
      assert.equal(await a.ok('one.vm.allocate', vmConf('before')), 0);
      a.process.kill('SIGSTOP');
      // A call that reaches the paused leader: it runs only after SIGCONT, when b leads.
      const late = a.call('one.vm.allocate', vmConf('from the old leader')).catch((e: unknown) => [false, String(e), -1] as const);
      const accepted = await firstAcceptedWrite(b, 'new leader');
      assert.equal(accepted.value, 1);
      const exited = new Promise<number | null>((r) => a.process.once('exit', (code) => r(code)));
      a.process.kill('SIGCONT');
      const [ok] = await late;
      assert.equal(ok, false, 'the old leader must not acknowledge a write');
      assert.equal(await exited, 75, 'the old leader steps down');
      assert.match(a.log(), /Stepping down: /);
      const events = await allEvents(b);
      assert.ok(!JSON.stringify(events).includes('from the old leader'), 'not a single event from the old leader');
      assert.ok(events.every((e, i) => e.seq === i + 1), 'seq gap-free');
      const run = await runCli(b, 'oneaudit', ['verify']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
    } finally {
      for (const one of [a, b]) {
        if (one.process.exitCode === null) one.process.kill('SIGCONT');
        await one.stop();
        one.remove();
      }
    }
  });
});
