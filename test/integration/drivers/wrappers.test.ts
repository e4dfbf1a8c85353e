import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DriverManager } from '../../../src/drivers/driver-manager.ts';
import { defaultBinDir } from '../../../src/drivers/mad-config.ts';
import { binDir, driverEnv, isAlive, repoRoot, scratch } from './support.ts';

const tmp = scratch();
after(() => tmp.remove());

/** A self-contained ONE_LOCATION with its own etc/ files. */
function oneLocation(name: string, files: Record<string, string>): string {
  const location = join(tmp.dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(location, path, '..'), { recursive: true });
    writeFileSync(join(location, path), text);
  }
  return location;
}

const niceOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);

describe('driver wrappers', () => {
  it('source defaultrc and the driver rc from ONE_LOCATION, nice the driver, cd to var', async () => {
    const location = oneLocation('loc1', {
      'etc/mad/defaultrc': 'ONE_MAD_DEBUG=1\nPRIORITY=7\n',
      'etc/vmm_dummy/vmm_dummyrc': 'VMM_DUMMY_FAIL_IDS=7\n',
    });
    const env = driverEnv({ ONE_LOCATION: location });
    delete env.PRIORITY;
    delete env.ONE_MAD_DEBUG;
    const m = new DriverManager({ binDir, env, mads: [{ name: 'vmm', kind: 'vmm', executable: 'one_vmm_dummy', arguments: '-t 3' }] });
    try {
      await m.start();
      const pid = m.pids().vmm!;
      assert.equal(niceOf(pid), 7);
      assert.equal(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(-3, -1).join(' '), '-t 3');
      assert.equal((await m.request('vmm', 'DEPLOY', 7, ['h', 'f', '-'])).result, 'FAILURE');
      assert.equal((await m.request('vmm', 'DEPLOY', 8, ['h', 'f', '-'])).result, 'SUCCESS');
      assert.ok(existsSync(join(location, 'var', 'one_vmm_dummy.log')), 'ONE_MAD_DEBUG sends stderr to var/<driver>.log');
    } finally {
      const pid = m.pids().vmm;
      await m.stop();
      assert.equal(isAlive(pid), false);
    }
  });

  it('one_im_ssh reads its probe list relative to etc/ and reports a missing one', async () => {
    const location = oneLocation('loc2', { 'etc/mad/defaultrc': '' });
    const m = new DriverManager({ binDir, env: driverEnv({ ONE_LOCATION: location }), mads: [{ name: 'im', kind: 'im', executable: 'one_im_ssh', arguments: '-r /tmp/x im_nope/im_nope.conf' }] });
    try {
      await m.start();
      const reply = await m.request('im', 'MONITOR', 1, ['node1']);
      assert.equal(reply.result, 'FAILURE');
      assert.match(reply.info, new RegExp(`^Could not monitor host node1: cannot read probe list ${location}/etc/im_nope/im_nope\\.conf`));
      assert.equal(existsSync(join(location, 'var', 'im_nope.log')), false, 'no driver log without ONE_MAD_DEBUG');
    } finally {
      await m.stop();
    }
  });

  it('one_im_ssh -t N: the probe list, not N, names the rc file and the log', async () => {
    const location = oneLocation('loc3', {
      'etc/mad/defaultrc': 'ONE_MAD_DEBUG=1\n',
      'etc/im_nope/im_noperc': 'IM_NOPE_MARK=from-rc\n',
      'etc/4/4rc': 'IM_NOPE_MARK=from-the-thread-count\n',
    });
    const env = driverEnv({ ONE_LOCATION: location });
    delete env.ONE_MAD_DEBUG;
    const m = new DriverManager({ binDir, env, mads: [{ name: 'im', kind: 'im', executable: 'one_im_ssh', arguments: '-t 4 -r /tmp/x im_nope/im_nope.conf' }] });
    try {
      await m.start();
      const pid = m.pids().im!;
      assert.match(readFileSync(`/proc/${pid}/environ`, 'utf8'), /(^|\0)IM_NOPE_MARK=from-rc\0/);
      assert.match(readFileSync(`/proc/${pid}/environ`, 'utf8'), /(^|\0)IM_REMOTE_DIR=\/tmp\/x\0/);
      assert.equal(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(-4, -1).join(' '), '-t 4 im_nope/im_nope.conf');
      const reply = await m.request('im', 'MONITOR', 1, ['node1']);
      assert.match(reply.info, /cannot read probe list .*\/etc\/im_nope\/im_nope\.conf/);
      assert.ok(existsSync(join(location, 'var', 'im_nope.log')), 'the log is var/im_nope.log');
      assert.equal(existsSync(join(location, 'var', '4.log')), false);
    } finally {
      await m.stop();
    }
  });

  it('a flag missing its value at the end is refused by the driver, not a wrapper stuck in a loop', async () => {
    const m = new DriverManager({
      binDir,
      env: driverEnv(),
      mads: [
        { name: 'im', kind: 'im', executable: 'one_im_ssh', arguments: 'im_nope/im_nope.conf -t' },
        { name: 'tm', kind: 'tm', executable: 'one_tm', arguments: 'tm_ssh/tm_ssh.conf -t' },
        { name: 'im2', kind: 'im', executable: 'one_im_ssh', arguments: 'im_nope/im_nope.conf -r' },
      ],
    });
    const started = await m.start();
    await m.stop();
    // A trailing -r (this wrapper's remote dir) is dropped: im2 starts.
    assert.deepEqual(started.failed, [
      { name: 'im', reason: 'driver answered INIT FAILURE: -t needs a whole number, got nothing' },
      { name: 'tm', reason: 'driver answered INIT FAILURE: -t needs a whole number, got nothing' },
    ]);
  });

  it('answers INIT FAILURE for bad flags', async () => {
    const m = new DriverManager({ binDir, env: driverEnv(), mads: [{ name: 'tm', kind: 'tm', executable: 'one_tm_dummy', arguments: '-t lots' }] });
    const started = await m.start();
    await m.stop();
    assert.deepEqual(started.failed, [{ name: 'tm', reason: 'driver answered INIT FAILURE: -t needs a whole number, got lots' }]);
  });

  it('looks executables up in ONE_LOCATION/bin, else the repository bin/', () => {
    assert.equal(defaultBinDir(repoRoot, {}), join(repoRoot, 'bin'));
    assert.equal(defaultBinDir(repoRoot, { ONE_LOCATION: '/opt/one' }), '/opt/one/bin');
  });
});
