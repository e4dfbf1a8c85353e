import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { HOST_URI, startHypervisorHosts, type HypervisorHosts } from '../../helpers/libvirt-hosts.ts';

// Real libvirtd + QEMU (TCG) on two sshd test hosts, driven the way one_vmm_kvm will drive them:
// `virsh -c qemu:///system ...` in a shell on the host, reached over SSH.
// Needs root and Debian's libvirt-daemon-system, libvirt-clients, qemu-system-x86 (scripts/ensure-deps.sh).
const execFileP = promisify(execFile);
let hv: HypervisorHosts;
const started: number[] = []; // every pid we saw, checked dead after stop()

before(async () => {
  const t0 = Date.now();
  hv = await startHypervisorHosts(2, { firstOctet: 40 });
  console.log(`# two hypervisor hosts ready in ${Date.now() - t0} ms`);
  for (let i = 0; i < 2; i++) started.push(hv.pid(i)!, hv.ssh.pid(i)!);
});
after(async () => {
  await hv?.stop();
  for (const pid of started) assert.equal(alive(pid), false, `pid ${pid} still runs after stop()`);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A killed process shows as a zombie for a moment before it is reaped.
  return !/^\d+ \(.*\) Z/.test(readStat(pid));
}
function readStat(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return '';
  }
}

/** Runs a shell command on host i over SSH, as a driver does. */
async function onHost(i: number, command: string): Promise<string> {
  const h = hv.ssh.hosts[i];
  const { stdout } = await execFileP('ssh', [
    '-i', h.keyPath, '-o', `UserKnownHostsFile=${h.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes', '-p', String(h.port), `${h.user}@${h.address}`, command,
  ], { timeout: 60_000 });
  return stdout;
}

const DOMAIN = 'one-hv-test';
/** No disk, no NIC, no graphics: SeaBIOS finds nothing to boot and idles (about 1 % CPU). */
const domainXml = `<domain type='qemu'>
  <name>${DOMAIN}</name>
  <memory unit='KiB'>32768</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>
`;

const running = async (i: number) => (await hv.virsh(i, 'list', '--name')).split('\n').filter(Boolean);

describe('hypervisor test hosts (libvirtd + QEMU TCG per sshd host)', () => {
  it('gives each host its own libvirtd behind qemu:///system', async () => {
    const uuids = await Promise.all([0, 1].map(async (i) => /<uuid>([^<]+)<\/uuid>/.exec(await onHost(i, `virsh -c ${HOST_URI} capabilities`))?.[1]));
    assert.deepEqual(uuids, hv.hosts.map((h) => h.uuid));
    assert.notEqual(uuids[0], uuids[1]);
  });

  it('creates a diskless TCG domain over SSH, reports its figures, and migrates it live both ways', async () => {
    const xmlPath = join(hv.hosts[0].dir, `${DOMAIN}.xml`);
    writeFileSync(xmlPath, domainXml);
    let t = Date.now();
    await onHost(0, `virsh -c ${HOST_URI} create ${xmlPath}`);
    console.log(`# virsh create: ${Date.now() - t} ms`);
    try {
      assert.deepEqual(await running(0), [DOMAIN]);
      assert.deepEqual(await running(1), []);
      const [qemuA] = hv.qemuPids(0);
      assert.ok(qemuA && alive(qemuA), 'host A runs a qemu process');
      started.push(qemuA);

      const info = await onHost(0, `virsh -c ${HOST_URI} dominfo ${DOMAIN}`);
      assert.match(info, /^State:\s+running$/m);
      assert.match(info, /^Max memory:\s+32768 KiB$/m);
      const stats = Object.fromEntries((await onHost(0, `virsh -c ${HOST_URI} domstats ${DOMAIN}`))
        .split('\n').map((l) => l.trim().split('=')).filter((kv) => kv.length === 2));
      assert.equal(stats['state.state'], '1'); // VIR_DOMAIN_RUNNING
      assert.ok(Number(stats['cpu.time']) > 0, `cpu.time ${stats['cpu.time']}`);
      assert.equal(stats['balloon.current'], '32768');
      assert.equal(stats['net.count'], '0');
      const mem = await onHost(0, `virsh -c ${HOST_URI} dommemstat ${DOMAIN}`);
      assert.match(mem, /^actual 32768$/m);
      assert.ok(Number(/^rss (\d+)$/m.exec(mem)?.[1]) > 0, mem);

      // A -> B the OpenNebula way: started on the source host, destination over qemu+ssh.
      t = Date.now();
      await onHost(0, `virsh -c ${HOST_URI} migrate --live ${DOMAIN} '${hv.hosts[1].sshUri}'`);
      console.log(`# virsh migrate --live A->B (qemu+ssh): ${Date.now() - t} ms`);
      assert.deepEqual(await running(0), []);
      assert.deepEqual(await running(1), [DOMAIN]);
      assert.equal(alive(qemuA), false, 'the source qemu is gone');
      const [qemuB] = hv.qemuPids(1);
      started.push(qemuB);
      assert.match(await hv.virsh(1, 'dominfo', DOMAIN), /^State:\s+running$/m);

      // B -> A peer to peer: B's libvirtd itself connects to A over SSH.
      t = Date.now();
      await onHost(1, `virsh -c ${HOST_URI} migrate --live --p2p ${DOMAIN} '${hv.hosts[0].sshUri}'`);
      console.log(`# virsh migrate --live --p2p B->A (qemu+ssh): ${Date.now() - t} ms`);
      assert.deepEqual(await running(0), [DOMAIN]);
      assert.deepEqual(await running(1), []);
      assert.equal(alive(qemuB), false);
      started.push(...hv.qemuPids(0));

      t = Date.now();
      await onHost(0, `virsh -c ${HOST_URI} destroy ${DOMAIN}`);
      console.log(`# virsh destroy: ${Date.now() - t} ms`);
      assert.deepEqual(await running(0), []);
      assert.deepEqual(hv.qemuPids(0), []);
    } finally {
      for (const i of [0, 1]) await hv.virsh(i, 'destroy', DOMAIN).catch(() => undefined);
    }
  });
});
