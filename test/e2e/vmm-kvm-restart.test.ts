/**
 * oned SIGKILLed while a VM is in BOOT or MIGRATE on real libvirt hosts (one_vmm_kvm), then
 * restarted: oned POLLs the hosts first and acts on what they report, so that afterwards exactly
 * one domain exists, on the right host, and the VM is RUNNING there (src/core/restart-probe.ts).
 * VMM_KVM_TEST_PAUSE holds the driver's DEPLOY or MIGRATE before or after its virsh command, so
 * that oned can be killed at that point. Needs what test/helpers/kvm-cloud.ts needs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/oned-harness.ts';
import { KvmCloud, LCM_STATE, tag, VM_STATE } from '../helpers/kvm-cloud.ts';

const { ACTIVE } = VM_STATE;
const { BOOT, RUNNING, MIGRATE } = LCM_STATE;
const HOLD = 300; // seconds: longer than any step; the crash cuts it short

describe('oned killed in BOOT and MIGRATE with one_vmm_kvm, then restarted', () => {
  let cloud: KvmCloud;
  let address: string[] = [];

  before(async () => {
    cloud = await KvmCloud.start({ hosts: 2, firstOctet: 52, env: { VMM_KVM_TEST_PAUSE: `DEPLOY:after:${HOLD}` } });
    address = cloud.hv.ssh.hosts.map((h) => h.address);
  });

  after(async () => {
    await cloud?.stop();
  });

  /** Indexes of the hosts whose libvirt knows the VM's domain. */
  const hostsOf = async (vid: number) => {
    const out: number[] = [];
    for (const i of [0, 1]) if ((await cloud.domains(i)).includes(`one-${vid}`)) out.push(i);
    return out;
  };
  const lcmOf = async (vid: number) => tag(await cloud.info(vid), 'LCM_STATE');
  const driverHolds = (vid: number, what: string) =>
    waitFor(`the driver holding ${what} of VM ${vid}`, () => cloud.vmLog(vid).includes(`VMM_KVM_TEST_PAUSE: holding ${what}`), 60_000);
  /** Kills oned, restarts it, and waits for the VM to run on host `on` as the only domain of its name. */
  const crashAndExpect = async (vid: number, on: number, nextPause: string | undefined, why: RegExp) => {
    await cloud.one.crash();
    await cloud.restart(nextPause ? { VMM_KVM_TEST_PAUSE: nextPause } : {});
    const xml = await cloud.reaches(vid, ACTIVE, RUNNING);
    assert.equal(tag(xml, 'HOSTNAME'), address[on]);
    assert.equal(tag(xml, 'DEPLOY_ID'), `one-${vid}`);
    assert.match(cloud.vmLog(vid), why);
    assert.deepEqual(await hostsOf(vid), [on], `one-${vid} must exist once, on host ${on}`);
    assert.equal(await cloud.hv.virsh(on, 'domstate', `one-${vid}`).then((s) => s.trim()), 'running');
  };

  it('BOOT with the domain started, BOOT without it, MIGRATE not started, MIGRATE done: one domain each, RUNNING', { timeout: 400_000 }, async () => {
    const [h0, h1] = cloud.hostIds;

    // 1. The domain runs on host 0, but oned died before DEPLOY SUCCESS: no second DEPLOY, RUNNING.
    const a = (await cloud.one.ok('one.vm.allocate', 'NAME = a\nMEMORY = 32\nCPU = 0.1')) as number;
    await cloud.one.ok('one.vm.deploy', a, h0);
    await driverHolds(a, 'DEPLOY after');
    assert.deepEqual(await hostsOf(a), [0]);
    assert.equal(await lcmOf(a), BOOT);
    await crashAndExpect(a, 0, `DEPLOY:before:${HOLD}`, /After the restart: one-\d+ on \S+ already exists: DEPLOY had succeeded/);

    // 2. oned died while the driver had not yet run virsh create: DEPLOY again, RUNNING.
    const b = (await cloud.one.ok('one.vm.allocate', 'NAME = b\nMEMORY = 32\nCPU = 0.1')) as number;
    await cloud.one.ok('one.vm.deploy', b, h1);
    await driverHolds(b, 'DEPLOY before');
    assert.deepEqual(await hostsOf(b), []);
    assert.equal(await lcmOf(b), BOOT);
    await crashAndExpect(b, 1, `MIGRATE:before:${HOLD}`, /After the restart: no one-\d+ on \S+: DEPLOY sent again/);

    // 3. A live migration 0 -> 1 that had not started: back to RUNNING on the source, not repeated.
    await cloud.one.ok('one.vm.migrate', a, h1, true);
    await driverHolds(a, 'MIGRATE before');
    assert.equal(await lcmOf(a), MIGRATE);
    await crashAndExpect(a, 0, `MIGRATE:after:${HOLD}`, /After the restart: one-\d+ is still on \S+ only: the interrupted migration is given up, RUNNING on \S+ again/);

    // 4. A live migration 1 -> 0 that libvirt finished before oned heard of it: RUNNING on the target.
    await cloud.one.ok('one.vm.migrate', b, h0, true);
    await driverHolds(b, 'MIGRATE after');
    assert.deepEqual(await hostsOf(b), [0]);
    assert.equal(await lcmOf(b), MIGRATE);
    await crashAndExpect(b, 0, undefined, /After the restart: one-\d+ on \S+ only: the migration had succeeded/);

    assert.deepEqual((await cloud.domains(0)).sort(), [`one-${a}`, `one-${b}`].sort());
    assert.deepEqual(await cloud.domains(1), []);
  });
});
