/**
 * oned with its event log on PostgreSQL (oned.conf DB = [ BACKEND =
 * "postgresql", … ]), against a private cluster: the state survives a clean
 * stop, a SIGKILL and --rebuild; `onedb copy --to postgresql` moves an
 * SQLite installation with its hashes, oneaudit verify passes on the copy
 * and oned starts on it with the same state; bad DB settings stop oned with
 * one line. Real oned, dummy drivers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Oned, REPO, allEvents, dummyConf, makeLocation, onedExpectingFailure, runCli, waitFor } from '../helpers/oned-harness.ts';
import { PgCluster } from '../helpers/pg-cluster.ts';
import { freePort } from '../helpers/free-port.ts';

let cluster: PgCluster;
before(async () => void (cluster = await PgCluster.start()));
after(() => cluster?.stop());

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** A host, three VMs, one of them deployed and RUNNING: enough state to compare. */
async function populate(one: Oned): Promise<void> {
  const hid = (await one.ok('one.host.allocate', 'node0', 'im_dummy', 'vmm_dummy', 'tm_dummy')) as number;
  for (let i = 0; i < 3; i++) await one.ok('one.vm.allocate', `NAME = "vm${i} $(id) \`id\`; 'q'"\nCPU = 0.1\nMEMORY = 32`);
  await one.ok('one.vm.deploy', 1, hid);
  await waitFor('VM 1 RUNNING', async () => tag(String(await one.ok('one.vm.info', 1)), 'LCM_STATE') === '3', 30_000);
}

/** What must be the same after a restart: each VM's id, name, states and hosts; each host's id and name. */
async function stateOf(one: Oned): Promise<string[]> {
  const vms = String(await one.ok('one.vmpool.info', -2));
  const hosts = String(await one.ok('one.hostpool.info'));
  return [
    ...[...vms.matchAll(/<VM>.*?<\/VM>/gs)].map(([vm]) => ['ID', 'NAME', 'STATE', 'LCM_STATE', 'HOSTNAME'].map((t) => tag(vm, t)).join('|')),
    ...[...hosts.matchAll(/<HOST>.*?<\/HOST>/gs)].map(([h]) => ['ID', 'NAME'].map((t) => tag(h, t)).join('|')),
  ];
}

async function auditVerifies(one: Oned): Promise<void> {
  const run = await runCli(one, 'oneaudit', ['verify']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /hash chain verified: \d+ events/);
}

describe('oned on PostgreSQL', () => {
  it('keeps its state across a clean stop, a SIGKILL and --rebuild (password from PASSWD_FILE)', async () => {
    const database = await cluster.createDatabase('oned_pg');
    const location = makeLocation(dummyConf(0, cluster.dbConf(database).replace(/PASSWD = "[^"]*"/, 'PASSWD_FILE = "@PWFILE@"')));
    const pwfile = join(location, 'db-password');
    writeFileSync(pwfile, `${cluster.password}\n`, { mode: 0o600 });
    const conf = join(location, 'etc', 'oned.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace('@PWFILE@', pwfile));
    let one = await Oned.start({ location });
    try {
      assert.match(one.log(), new RegExp(`Event log: PostgreSQL database ${database} on 127\\.0\\.0\\.1:${cluster.port}`));
      await populate(one);
      const expected = await stateOf(one);
      assert.equal(expected.length, 4);
      await one.stop();
      one = await Oned.start({ location });
      assert.deepEqual(await stateOf(one), expected, 'after a clean stop');
      await one.crash();
      one = await Oned.start({ location });
      assert.deepEqual(await stateOf(one), expected, 'after a SIGKILL');
      await one.stop();
      one = await Oned.start({ location, args: ['--rebuild'] });
      assert.deepEqual(await stateOf(one), expected, 'after --rebuild');
      assert.match(one.log(), /Rebuilt \d+ entities from \d+ events \(--rebuild\)/);
      await auditVerifies(one);
    } finally {
      await one.stop();
      one.remove();
    }
  });

  it('onedb copy --to postgresql moves an SQLite log with its hashes; oneaudit verify passes and oned starts on it with the same state', async () => {
    let one = await Oned.start();
    try {
      await populate(one);
      await one.stop();
      one = await Oned.start({ location: one.location }); // a checkpoint and a stop behind it
      const expected = await stateOf(one);
      const events = await allEvents(one);
      await one.stop();

      const database = await cluster.createDatabase('copied');
      appendFileSync(join(one.location, 'etc', 'oned.conf'), `\n${cluster.dbConf(database)}\n`);
      const copy = () => spawnSync(join(REPO, 'bin', 'onedb'), ['copy', '--to', 'postgresql'], { env: { ...process.env, ONE_LOCATION: one.location }, encoding: 'utf8', timeout: 60_000 });
      const first = copy();
      assert.equal(first.status, 0, first.stdout + first.stderr);
      const last = events.at(-1) as unknown as { seq: number; hash: string };
      assert.match(first.stdout, new RegExp(`copied ${events.length} events and \\d+ snapshots from .*one\\.db to PostgreSQL database ${database}`));
      assert.match(first.stdout, new RegExp(`hash chain verified: ${events.length} events, tip seq ${last.seq} ${last.hash}`));

      const again = copy();
      assert.notEqual(again.status, 0);
      assert.match(again.stderr, /already holds a log: copy only into an empty one/);

      one = await Oned.start({ location: one.location });
      assert.match(one.log(), /Event log: PostgreSQL database copied/);
      assert.deepEqual(await stateOf(one), expected);
      const after = await allEvents(one);
      assert.deepEqual(after.slice(0, events.length), events, 'every event, hash and seq as it was');
      await auditVerifies(one);
      assert.equal(await one.ok('one.vm.allocate', 'NAME = after\nCPU = 0.1\nMEMORY = 32'), 3, 'ids go on where they were');
    } finally {
      await one.stop();
      one.remove();
    }
  });

  it('PostgreSQL restarted under oned: writes fail cleanly with 0x2000 while it is away, and oned recovers by itself', async () => {
    const database = await cluster.createDatabase('restarted');
    const one = await Oned.start({ conf: cluster.dbConf(database) });
    try {
      assert.equal(await one.ok('one.vm.allocate', 'NAME = before\nCPU = 0.1\nMEMORY = 32'), 0);
      await cluster.stopServer();
      const [ok, message, code] = await one.call('one.vm.allocate', 'NAME = away\nCPU = 0.1\nMEMORY = 32');
      assert.equal(ok, false);
      assert.equal(code, 0x2000, String(message));
      assert.match(String(message), /Cannot write the event log/);
      assert.match(String(await one.ok('one.vm.info', 0)), /<NAME>before<\/NAME>/, 'reads are served from memory meanwhile');
      await cluster.startServer();
      const vid = await waitFor('a write once PostgreSQL is back', async () => {
        const [done, value] = await one.call('one.vm.allocate', 'NAME = back\nCPU = 0.1\nMEMORY = 32');
        return done ? (value as number) : undefined;
      }, 30_000);
      assert.equal(vid, 1, 'the failed allocation burnt no id');
      assert.match(one.log(), /Cannot write the event log: .*; write requests fail with 0x2000 until the database is back/);
      await waitFor('the recovery in oned.log', () => /The event log can be written again/.test(one.log()));
      await auditVerifies(one);
    } finally {
      await one.stop();
      one.remove();
    }
  });

  it('stops with one line when the DB settings are wrong or the database cannot be reached', async () => {
    const cases: [string, RegExp][] = [
      ['DB = [ BACKEND = "mysql" ]', /DB: BACKEND must be "sqlite" or "postgresql", got "mysql"/],
      [cluster.dbConf('opennebula').replace(/PASSWD = "[^"]*"/, 'PASSWD = "wrong"'), /cannot open the event log in PostgreSQL database opennebula on 127\.0\.0\.1:\d+ as oneadmin: password authentication failed/],
      [cluster.dbConf('opennebula').replace(/PASSWD = "[^"]*", /, ''), /DB: no password: set PASSWD or PASSWD_FILE in oned.conf, or ONE_DB_PASSWD/],
      [cluster.dbConf('absent_db'), /cannot open the event log in PostgreSQL database absent_db .*does not exist/],
    ];
    for (const [line, message] of cases) {
      const location = makeLocation(dummyConf(await freePort(), line));
      try {
        const run = await onedExpectingFailure(location);
        assert.notEqual(run.code, 0, line);
        assert.match(run.stderr, message, line);
        assert.equal(run.stderr.trim().split('\n').length, 1, `one line: ${run.stderr}`);
      } finally {
        spawnSync('rm', ['-rf', location]);
      }
    }
  });
});
