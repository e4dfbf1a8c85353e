/**
 * A VM through oned and one_vmm_kvm on real libvirt hosts (QEMU in TCG mode behind sshd, see
 * docs/hypervisor-tests.md): deploy to RUNNING with a live domain, poll figures, live migration,
 * a shutdown the guest ignores, cancel; a deployment file that cannot be made and a host whose
 * libvirt cannot be reached both end in FAILED with the reason in the VM log.
 * Needs root and Debian's openssh-server, libvirt-daemon-system, libvirt-clients, qemu-system-x86.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/oned-harness.ts';
import { KvmCloud, LCM_STATE, tag, VM_STATE } from '../helpers/kvm-cloud.ts';

const { ACTIVE, FAILED, DONE } = VM_STATE;
const { RUNNING } = LCM_STATE;

describe('VMs on real libvirt hosts through oned and one_vmm_kvm', () => {
  let cloud: KvmCloud;
  let hosts: number[] = [];
  const marker = () => join(cloud.location, 'pwned');
  const info = (vid: number) => cloud.info(vid);
  const reaches = (vid: number, state: string, lcm: string | undefined, timeoutMs = 60_000) => cloud.reaches(vid, state, lcm, timeoutMs);
  const domains = (i: number) => cloud.domains(i);
  const vmLog = (vid: number) => cloud.vmLog(vid);

  before(async () => {
    cloud = await KvmCloud.start({
      hosts: 3, // the third one's driver has a broken libvirt URI
      firstOctet: 48,
      extraConf: 'VM_MAD = [ name = "vmm_broken", executable = "one_vmm_kvm", arguments = "-u qemu+unix:///system?socket=/nonexistent/sock", default = "vmm_kvm/vmm_kvm.conf", type = "kvm" ]',
      vmMadOf: (i) => (i < 2 ? 'vmm_kvm' : 'vmm_broken'),
      env: { VMM_KVM_SHUTDOWN_TIMEOUT_S: '2' },
    });
    hosts = cloud.hostIds;
  });

  after(async () => {
    await cloud?.stop();
  });

  it('deploys a VM to a running domain, polls it, migrates it live, survives an ignored shutdown, cancels it', async () => {
    const name = `a'b"$(touch ${marker()})\`touch ${marker()}\`;touch ${marker()}`.replace(/["\\]/g, '\\$&');
    const vid = (await cloud.one.ok('one.vm.allocate', `NAME = "${name}"\nMEMORY = 32\nCPU = 0.1`)) as number;
    let t = Date.now();
    await cloud.one.ok('one.vm.deploy', vid, hosts[0]);
    let xml = await reaches(vid, ACTIVE, RUNNING);
    console.log(`# deploy to RUNNING: ${Date.now() - t} ms`);
    assert.equal(tag(xml, 'DEPLOY_ID'), `one-${vid}`);
    assert.deepEqual(await domains(0), [`one-${vid}`]);
    assert.match(await cloud.hv.virsh(0, 'dumpxml', `one-${vid}`), /<domain type='qemu'/);

    // VM_POLLING_INTERVAL is 1 s in the test conf: the poll's USEDMEMORY becomes the VM's MEMORY.
    xml = await waitFor('poll figures', async () => {
      const x = await info(vid);
      return tag(x, 'MEMORY') === '32768' && x;
    });
    assert.notEqual(tag(xml, 'LAST_POLL'), '0');

    t = Date.now();
    await cloud.one.ok('one.vm.migrate', vid, hosts[1], true);
    await reaches(vid, ACTIVE, RUNNING);
    console.log(`# live migration through oned: ${Date.now() - t} ms`);
    assert.deepEqual(await domains(0), []);
    assert.deepEqual(await domains(1), [`one-${vid}`]);

    // A guest without an OS ignores ACPI: SHUTDOWN fails after VMM_KVM_SHUTDOWN_TIMEOUT_S and the VM runs on.
    await cloud.one.ok('one.vm.action', 'shutdown', vid);
    await waitFor('shutdown failure in the VM log', () => /SHUTDOWN failed: .*did not shut down within 2 s/.test(vmLog(vid)));
    await reaches(vid, ACTIVE, RUNNING);
    assert.deepEqual(await domains(1), [`one-${vid}`]);

    await cloud.one.ok('one.vm.action', 'cancel', vid);
    await reaches(vid, DONE, undefined);
    assert.deepEqual(await domains(1), []);
    assert.equal(existsSync(marker()), false, 'the VM name never reached a shell');
  });

  it('fails the deploy cleanly when the deployment file cannot be made or libvirt cannot be reached', async () => {
    // vmm_kvm.conf sets no MEMORY: the generator refuses this VM.
    const noMemory = (await cloud.one.ok('one.vm.allocate', 'NAME = nomemory\nCPU = 0.1')) as number;
    const broken = (await cloud.one.ok('one.vm.allocate', 'NAME = broken\nMEMORY = 32')) as number;
    await cloud.one.ok('one.vm.deploy', noMemory, hosts[0]);
    await cloud.one.ok('one.vm.deploy', broken, hosts[2]);
    await reaches(noMemory, FAILED, undefined);
    await waitFor('the reason in the VM log', () => /DEPLOY failed: No MEMORY defined and no default provided\./.test(vmLog(noMemory)));
    await reaches(broken, FAILED, undefined);
    const virshError = /DEPLOY failed: error: failed to connect to the hypervisor error: Failed to connect socket to '\/nonexistent\/sock'/;
    await waitFor('virsh\'s error in the VM log', () => virshError.test(vmLog(broken)));
    assert.deepEqual(await domains(0), []);
    assert.deepEqual(await domains(2), []);
    assert.ok(cloud.one.process.exitCode === null, 'oned still runs');
  });
});
