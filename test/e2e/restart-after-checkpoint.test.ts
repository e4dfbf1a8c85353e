/**
 * Regression test for "the log survives every restart": a crash before the
 * first checkpoint, then a restart and one more write, used to leave a
 * checkpoint that claimed the whole log while holding snapshots of only the
 * actors touched after the restart. The next start then failed
 * (`ConcurrencyError: stream user/0`) or silently lost 50 of 51 VMs.
 * Real oned, dummy drivers, three starts on the same ONE_LOCATION.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openEventLog } from '../../src/store/sqlite-event-log.ts';
import { sessionOf, sha1hex } from '../../src/rpc/one-auth.ts';
import { Oned, waitFor } from '../helpers/oned-harness.ts';

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];

/** Sets (or adds) `KEY = value` in the location's oned.conf, for the next start. */
function setConfKey(location: string, key: string, value: number): void {
  const file = join(location, 'etc', 'oned.conf');
  const text = readFileSync(file, 'utf8');
  const line = new RegExp(`^${key} = .*$`, 'm');
  writeFileSync(file, line.test(text) ? text.replace(line, `${key} = ${value}`) : `${text}\n${key} = ${value}\n`);
}

/** Every VM 0..count-1 answers one.vm.info with its own name; the pool lists exactly them. */
async function assertVms(one: Oned, count: number): Promise<void> {
  const pool = String(await one.ok('one.vmpool.info', -2, false, -2));
  const ids = [...pool.matchAll(/<VM><ID>(\d+)<\/ID>/g)].map((m) => Number(m[1]));
  assert.equal(ids.join(), Array.from({ length: count }, (_, i) => i).join(), `one.vmpool.info lists ${ids.length} VMs, expected ${count}`);
  for (let vid = 0; vid < count; vid++) {
    const [ok, xml, code] = await one.call('one.vm.info', vid);
    assert.ok(ok, `one.vm.info ${vid} failed (${code}): ${xml}`);
    assert.equal(tag(xml, 'NAME'), `vm${vid}`);
  }
}

/** The last "Rebuilt N entities from M events" line of oned.log. */
const lastRebuilt = (one: Oned) => [...one.log().matchAll(/Rebuilt (\d+) entities from (\d+) events/g)].at(-1)?.[0];

/** Waits until a checkpoint covers the whole log (read from one.db beside the running oned). */
async function checkpointCoversLog(one: Oned): Promise<void> {
  const log = openEventLog(join(one.location, 'var', 'one.db'));
  try {
    await waitFor('a checkpoint at the end of the log', async () => ((await log.loadSnapshot<{ seq: number }>('$checkpoint'))?.state.seq ?? -1) >= log.lastSeq(), 30_000);
  } finally {
    log.close();
  }
}

/**
 * Steps 1–2 of the reproduction: 50 VMs, SIGKILL before the first
 * checkpoint, restart (with the checkpoint timer set to
 * `secondRunCheckpointS`), all 50 there, one more VM. Returns the running oned.
 */
async function fiftyThenCrashThenOneMore(secondRunCheckpointS = 3600): Promise<Oned> {
  // No checkpoint during the first run, whatever the machine's speed.
  let one = await Oned.start({ conf: 'CHECKPOINT_INTERVAL = 3600' });
  try {
    for (let i = 0; i < 50; i++) assert.equal(await one.ok('one.vm.allocate', `NAME = vm${i}\nCPU = 0.1\nMEMORY = 32`), i);
    await one.crash();
    setConfKey(one.location, 'CHECKPOINT_INTERVAL', secondRunCheckpointS);
    one = await Oned.start({ location: one.location });
    await assertVms(one, 50);
    assert.equal(await one.ok('one.vm.allocate', 'NAME = vm50\nCPU = 0.1\nMEMORY = 32'), 50);
    return one;
  } catch (e) {
    await one.crash();
    one.remove();
    throw e;
  }
}

/** Step 3: oned starts again with every VM, and the log's hash chain is whole. */
async function restartSeesAll(location: string, count: number): Promise<void> {
  const one = await Oned.start({ location });
  try {
    await assertVms(one, count);
    assert.match(String(await one.ok('one.vm.info', 0)), /<ID>0<\/ID>/);
    assert.ok(lastRebuilt(one), 'oned.log has no "Rebuilt … entities" line');
  } finally {
    await one.stop();
  }
  const log = openEventLog(join(location, 'var', 'one.db'));
  try {
    assert.equal((await log.verify()).ok, true);
  } finally {
    log.close();
  }
}

describe('restart after a crash before the first checkpoint', () => {
  it('keeps all 51 VMs across crash, restart, one more VM and a clean stop', { timeout: 120_000 }, async () => {
    const one = await fiftyThenCrashThenOneMore();
    try {
      await one.stop();
      await restartSeesAll(one.location, 51);
    } finally {
      await one.stop();
      one.remove();
    }
  });

  it('keeps all 51 VMs when oneadmin changed its own password before the clean stop', { timeout: 120_000 }, async () => {
    const one = await fiftyThenCrashThenOneMore();
    try {
      await one.ok('one.user.passwd', 0, sha1hex('n3w "pass";$(x)'));
      // The old session is refused now; the new one works.
      const [oldOk] = await one.call('one.vmpool.info', -2);
      assert.equal(oldOk, false);
      const newSession = sessionOf({ user: 'oneadmin', password: 'n3w "pass";$(x)' });
      assert.equal(((await one.client.call('one.vm.info', [newSession, 0])) as [boolean])[0], true);
      // Back to the harness's password, so the next start's client can log in; that is one more user/0 event.
      assert.equal(((await one.client.call('one.user.passwd', [newSession, 0, sha1hex('secret')])) as [boolean])[0], true);
      await one.stop();
      await restartSeesAll(one.location, 51);
    } finally {
      await one.stop();
      one.remove();
    }
  });

  it('keeps all 51 VMs when the second run is killed after a checkpoint instead of stopped', { timeout: 120_000 }, async () => {
    // The second run checkpoints every second: one more VM, a checkpoint that covers it, then SIGKILL.
    const one = await fiftyThenCrashThenOneMore(1);
    try {
      await checkpointCoversLog(one);
      await one.crash();
      await restartSeesAll(one.location, 51);
    } finally {
      await one.stop();
      one.remove();
    }
  });
});
