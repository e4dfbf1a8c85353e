/**
 * A full disk under a real oned. ONE_LOCATION's var/ (one.db, monitoring.db,
 * oned.log, the VM folders) is a small tmpfs, filled up with a file while
 * oned runs: write calls fail with 0x2000 and say the log cannot be written,
 * reads keep answering, a driver reply that arrives meanwhile is kept and
 * recorded later, oned stays up, and once the filler is deleted writes work
 * again with nothing acknowledged lost, also across a restart.
 *
 * Mounting needs root (CI runs as root). Without it (or with
 * FULL_DISK_MODE=fsize) the error is injected instead: oned's file-size
 * limit is lowered to one byte with prlimit, so every write fails with
 * EFBIG, and raised again to "free" the disk. The diagnostic line
 * `full disk: …` in the output says which one ran.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dummyConf, makeLocation, Oned, waitFor } from '../helpers/oned-harness.ts';

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How the disk is made full and free again, and what SQLite and the logger then say. */
interface Filler {
  readonly describe: string;
  readonly sqlite: string;
  readonly os: string;
  fill(one: Oned): void;
  free(one: Oned): void;
}

function tmpfsFiller(varDir: string): Filler {
  const filler = join(varDir, 'filler');
  return {
    describe: 'real ENOSPC on a 16 MiB tmpfs mounted on var/',
    sqlite: 'database or disk is full',
    os: 'ENOSPC',
    fill: () => {
      fill(filler);
      padToPage(join(varDir, 'oned.log'));
    },
    free: () => rmSync(filler),
  };
}

/** Injected: a one-byte RLIMIT_FSIZE on oned (it ignores SIGXFSZ), so every write fails with EFBIG. */
const fsizeFiller = (why: string): Filler => ({
  describe: `${why}; injected EFBIG with prlimit --fsize=1 on oned`,
  sqlite: 'disk I/O error',
  os: 'EFBIG',
  fill: (one) => execFileSync('prlimit', ['--pid', String(one.process.pid), '--fsize=1:unlimited']),
  free: (one) => execFileSync('prlimit', ['--pid', String(one.process.pid), '--fsize=unlimited:unlimited']),
});

/** Writes zeros into `path` until the file system says ENOSPC. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * tmpfs hands out whole pages: a file whose last page has room takes a few
 * more lines even on a full disk. Padding oned.log to a page boundary (which
 * needs no new page) makes oned's next log line need one, so the logger
 * meets ENOSPC too. Repeated in case oned appended in between.
 */
function padToPage(path: string): void {
  for (let i = 0; i < 10; i++) {
    const rest = statSync(path).size % 4096;
    if (rest === 0) return;
    try {
      appendFileSync(path, `${'#'.repeat(4096 - rest - 1)}\n`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    }
  }
  throw new Error(`could not pad ${path} to a page boundary`);
}

/** Mounts a tmpfs of `size` on `dir`; false when this process may not mount. */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('oned on a full disk', () => {
  const location = makeLocation(dummyConf(0, 'CHECKPOINT_INTERVAL = 1'));
  const varDir = join(location, 'var');
  const mounted = process.env.FULL_DISK_MODE !== 'fsize' && mountTmpfs(varDir, '16m');
  const disk = mounted ? tmpfsFiller(varDir) : fsizeFiller(process.env.FULL_DISK_MODE === 'fsize' ? 'FULL_DISK_MODE=fsize' : 'tmpfs mount impossible');
  const FULL = `Cannot write the event log: ${disk.sqlite}`;
  let one: Oned | undefined;
  after(async () => {
    await one?.stop();
    // A lazy unmount if something still holds a file there, so no mount is ever left behind.
    if (mounted) execFileSync('umount', ['-l', varDir]);
    rmSync(location, { recursive: true, force: true });
  });

  it('refuses writes with 0x2000, serves reads, stays up, and resumes by itself once there is room', async (t) => {
    t.diagnostic(`full disk: ${disk.describe}`);
    one = await Oned.start({ location, env: { VMM_DUMMY_DELAY_DEPLOY_MS: '3000' } });
    await one.ok('one.host.allocate', 'node0', 'im_dummy', 'vmm_dummy', 'tm_dummy');
    await waitFor('host 0 MONITORED', async () => tag(await one!.ok('one.host.info', 0), 'STATE') === '2');
    for (let i = 0; i < 5; i++) assert.equal(await one.ok('one.vm.allocate', `NAME = vm${i}\nCPU = 0.1\nMEMORY = 64`), i);
    await one.ok('one.vm.deploy', 0, 0);
    // BOOT: the deployment file is written, the DEPLOY reply comes 3 s later, on a full disk.
    await waitFor('VM 0 in BOOT', async () => tag(await one!.ok('one.vm.info', 0), 'LCM_STATE') === '2');
    const eventsBefore = JSON.parse(String(await one.ok('one.event.poll', 0, 10_000, 0))).length as number;

    disk.fill(one);

    const allocate = await one.call('one.vm.allocate', 'NAME = late\nMEMORY = 64');
    assert.deepEqual(allocate, [false, `[VirtualMachineAllocate] Error allocating a new virtual machine. ${FULL}`, 0x2000]);
    const hold = await one.call('one.vm.action', 'hold', 1);
    assert.deepEqual(hold, [false, `[VirtualMachineAction] Error performing action "hold" on virtual machine 1. ${FULL}`, 0x2000]);
    const host = await one.call('one.host.allocate', 'node1', 'im_dummy', 'vmm_dummy', 'tm_dummy');
    assert.deepEqual(host, [false, `[HostAllocate] Error allocating a new host. ${FULL}`, 0x2000]);

    // Reads answer, and show exactly what was acknowledged.
    assert.equal(tag(await one.ok('one.vm.info', 1), 'STATE'), '1');
    assert.equal((String(await one.ok('one.vmpool.info', -2)).match(/<VM>/g) ?? []).length, 5);
    assert.match(String(await one.ok('one.hostpool.info')), /<NAME>node0<\/NAME>/);
    assert.equal(JSON.parse(String(await one.ok('one.event.poll', 0, 10_000, 0))).length, eventsBefore);

    // The DEPLOY reply arrives, checkpoints, monitoring samples and log lines all fail meanwhile.
    await sleep(4000);
    assert.equal(one.process.exitCode, null, 'oned is still running');
    assert.equal(one.process.signalCode, null);
    assert.equal(tag(await one.ok('one.vm.info', 0), 'LCM_STATE'), '2', 'the reply could not be recorded yet');
    assert.equal((await one.call('one.vm.allocate', 'NAME = late'))[2], 0x2000, 'still full');

    disk.free(one);
    await waitFor('VM 0 RUNNING from the deferred DEPLOY SUCCESS', async () => tag(await one!.ok('one.vm.info', 0), 'LCM_STATE') === '3');
    assert.equal(await one.ok('one.vm.allocate', 'NAME = late\nMEMORY = 64'), 5, 'the refused allocations burnt no id');
    await one.ok('one.vm.action', 'hold', 1);
    await one.ok('one.host.allocate', 'node1', 'im_dummy', 'vmm_dummy', 'tm_dummy');

    const log = await waitFor('the outage in oned.log', () => {
      const text = one!.log();
      return /The event log can be written again/.test(text) && text;
    });
    assert.match(log, new RegExp(`\\[ONE\\]\\[W\\]: Log files could not be written from .*${disk.os}`));
    assert.match(log, new RegExp(`${FULL}; write requests fail with 0x2000 until there is room`));
    assert.match(log, /VM 0: vmm DEPLOY SUCCESS could not be recorded/);
    assert.match(log, /Checkpoint not written/);
    assert.equal(log.match(/write requests fail with 0x2000/g)?.length, 1, 'reported once');

    // Everything acknowledged is still there after a restart.
    await one.stop();
    one = await Oned.start({ location });
    const pool = String(await one.ok('one.vmpool.info', -2));
    assert.deepEqual([...pool.matchAll(/<VM><ID>(\d+)<\/ID>/g)].map((m) => Number(m[1])), [0, 1, 2, 3, 4, 5]);
    assert.equal(tag(await one.ok('one.vm.info', 0), 'LCM_STATE'), '3');
    assert.equal(tag(await one.ok('one.vm.info', 1), 'STATE'), '2'); // HOLD
    assert.equal(tag(await one.ok('one.host.info', 1), 'NAME'), 'node1');
  });
});
