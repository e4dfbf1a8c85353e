/**
 * HostUsageIndex keeps running sums of what VMs hold on each host. Checked
 * against the plain sum over every VM (capacityByHost) after each step of
 * real VM lives on a real SQLite log: deploys, driver replies, DONE.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { HostUsageIndex } from '../../../src/core/host-usage.ts';
import { capacityByHost } from '../../../src/machines/vm/vm-capacity.ts';
import type { VmState } from '../../../src/machines/vm/vm-types.ts';
import { startCoreRuntime } from '../../model/support/core-runtime.ts';

it('the running sums equal the sum over every VM after every step', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'one-ts-host-usage-'));
  mkdirSync(join(dir, 'var'));
  const runtime = await startCoreRuntime(dir, { snapshotEvery: Infinity, now: () => 1_700_000_000 });
  try {
    const { core, system } = runtime;
    const index = new HostUsageIndex(system, runtime.log);
    const check = (step: string) => {
      const expected = capacityByHost(system.all('vm').map((a) => a.state as VmState));
      const actual = index.byHost();
      for (const hid of [0, 1, 2]) {
        const zero = { cpu: 0, mem: 0, disk: 0, runningVms: 0 };
        assert.deepEqual(actual.get(hid) ?? zero, expected.get(hid) ?? zero, `host ${hid} after ${step}`);
        assert.equal(core.host(hid)!.share.cpuUsage, (expected.get(hid) ?? zero).cpu, `CPU_USAGE of host ${hid} after ${step}`);
      }
    };
    for (const name of ['n0', 'n1', 'n2']) assert.ok((await core.allocateHost(0, name, 'im_dummy', 'vmm_dummy', 'tm_dummy')).ok);
    check('no VMs');
    for (let i = 0; i < 6; i++) assert.ok((await core.allocateVm(0, `NAME = v${i}\nCPU = 0.${i + 1}\nMEMORY = ${64 * (i + 1)}`)).ok);
    check('pending VMs');
    for (let vid = 0; vid < 6; vid++) {
      assert.ok((await core.deployVm(0, vid, vid % 3)).ok);
      check(`deploy of VM ${vid}`);
    }
    // The drivers' replies: transfers and deploys succeed, VMs boot.
    for (let round = 0; round < 3; round++) {
      for (const r of runtime.held.splice(0)) r.answer({ verb: r.verb, success: true, id: r.id, info: r.verb === 'DEPLOY' ? `dummy-${r.id}` : '' });
      await runtime.settle();
      check(`driver replies, round ${round}`);
    }
    assert.equal(index.byHost().get(1)?.runningVms, 2);
    for (const vid of [1, 4]) {
      assert.ok((await core.actOnVm(0, vid, 'finalize')).ok);
      check(`finalize of VM ${vid}`);
    }
    assert.equal(index.byHost().get(1)?.runningVms ?? 0, 0, 'DONE VMs hold nothing');
    assert.notEqual(index.byHost().get(0)?.runningVms ?? 0, 0);
  } finally {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
