import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { XmlRpcClient } from '../../src/rpc/client.ts';
import { sessionOf } from '../../src/rpc/one-auth.ts';
import { freePort } from '../helpers/free-port.ts';
import { isAlive } from '../../src/main/lock-file.ts';
import { dummyConf, makeLocation, REPO } from '../helpers/oned-harness.ts';

function one(location: string, command: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(join(REPO, 'bin', 'one'), [command], {
    env: { ...process.env, ONE_LOCATION: location, ONE_AUTH: join(location, 'one_auth'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('one start|stop|status (spec §11.7)', () => {
  const locations: string[] = [];
  after(() => {
    for (const l of locations) {
      one(l, 'stop');
      rmSync(l, { recursive: true, force: true });
    }
  });

  it('starts oned, refuses a second start, answers calls, and stops it', async () => {
    const port = await freePort();
    const location = makeLocation(dummyConf(port));
    locations.push(location);
    const started = one(location, 'start');
    assert.equal(started.code, 0, started.err);
    assert.match(started.out, /oned started \(pid \d+, port \d+\) and scheduler started \(pid \d+\)/);
    const pid = Number(readFileSync(join(location, 'var', 'oned.pid'), 'utf8'));
    assert.ok(pid > 0);
    const schedPid = Number(readFileSync(join(location, 'var', 'sched.pid'), 'utf8'));
    assert.ok(isAlive(schedPid), 'mm_sched runs');

    const client = new XmlRpcClient(`http://127.0.0.1:${port}/RPC2`);
    const [ok, version] = (await client.call('one.system.version', [sessionOf({ user: 'oneadmin', password: 'secret' })])) as [boolean, string];
    assert.equal(ok, true);
    assert.match(version, /1\.4/);
    client.close();

    assert.match(one(location, 'status').out, new RegExp(`oned is running \\(pid ${pid}\\)`));
    assert.match(one(location, 'status').out, new RegExp(`mm_sched is running \\(pid ${schedPid}\\)`));
    const again = one(location, 'start');
    assert.notEqual(again.code, 0);
    assert.match(again.err, /already running/);

    // oned itself refuses a second instance on the same var dir (the lock file).
    const second = spawnSync(join(REPO, 'bin', 'oned'), ['-f'], {
      env: { ...process.env, ONE_LOCATION: location, ONE_AUTH: join(location, 'one_auth') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(second.status, 1);
    assert.match(second.stderr, /another oned \(pid \d+\) is running/);

    const stopped = one(location, 'stop');
    assert.equal(stopped.code, 0, stopped.err);
    assert.match(stopped.out, /oned and scheduler stopped/);
    assert.equal(isAlive(schedPid), false, 'mm_sched stopped');
    assert.equal(existsSync(join(location, 'var', 'sched.pid')), false);
    assert.equal(existsSync(join(location, 'var', 'oned.pid')), false);
    assert.equal(existsSync(join(location, 'var', '.lock')), false);
    const status = one(location, 'status');
    assert.equal(status.code, 1);
    assert.match(status.out, /oned is not running/);
    assert.match(status.out, /mm_sched is not running/);
    assert.match(readFileSync(join(location, 'var', 'oned.log'), 'utf8'), /\[ONE\]\[I\]: All modules finalized, exiting\./);
  });

  it('on a first start without credentials says exactly what to create', async () => {
    const location = makeLocation(dummyConf(await freePort()));
    locations.push(location);
    const r = one(location, 'start', { ONE_AUTH: join(location, 'missing_auth') });
    assert.notEqual(r.code, 0);
    assert.match(r.err, /missing_auth does not exist\. Create it with one line "oneadmin:<password>"/);
    assert.equal(existsSync(join(location, 'var', 'one.db')), false);
  });

  it('stops start-up on a bad oned.conf with file:line', async () => {
    const location = makeLocation(dummyConf(await freePort(), 'MAC_PREFIX = "zz:01"'));
    locations.push(location);
    const r = one(location, 'start');
    assert.notEqual(r.code, 0);
    assert.match(r.err, /oned\.conf:\d+: .*MAC_PREFIX/);
  });

  it('says so when the scheduler cannot start (a bad sched.conf), naming the line', async () => {
    const location = makeLocation(dummyConf(await freePort()));
    locations.push(location);
    writeFileSync(join(location, 'etc', 'sched.conf'), 'MAX_HOST = 0\n');
    const r = one(location, 'start');
    assert.equal(r.code, 1);
    assert.match(r.err, /oned started \(pid \d+, port \d+\), but the scheduler did not: mm_sched: .*sched\.conf:1: MAX_HOST: must be an integer from 1/);
    assert.equal(existsSync(join(location, 'var', 'sched.pid')), false);
  });

  it('prints usage for an unknown command', () => {
    const r = one('/nonexistent', 'restart-everything');
    assert.equal(r.code, 3);
    assert.match(r.err, /Usage: one \[start \[--rebuild\]\|stop\|status\]/);
  });
});
