import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kvmDomainXml } from '../../../src/core/deployment/kvm-domain-xml.ts';
import { DriverManager } from '../../../src/drivers/driver-manager.ts';
import type { DriverLog, DriverReply } from '../../../src/drivers/driver-reply.ts';
import { parseTemplate } from '../../../src/template/parse-template.ts';
import { startHypervisorHosts, type HypervisorHosts } from '../../helpers/libvirt-hosts.ts';
import { binDir, driverEnv, isAlive, MemoryLogger, repoRoot, scratch, waitUntil } from './support.ts';

// one_vmm_kvm, as oned drives it (over stdin/stdout, through the DriverManager), against two real
// hypervisor hosts: sshd + system libvirtd + QEMU in TCG mode each (docs/hypervisor-tests.md).
// Needs root and Debian's openssh-server, libvirt-daemon-system, libvirt-clients, qemu-system-x86.
const VID = 7;
const SHUTDOWN_TIMEOUT_S = 3;
let hv: HypervisorHosts;
let m: DriverManager;
let pids: (number | undefined)[] = [];
let kvmEnv: NodeJS.ProcessEnv;
const logs: DriverLog[] = [];
const replies: DriverReply[] = [];
const tmp = scratch();
const varDir = join(tmp.dir, 'var'); // the driver reads oned's deployment files from here
const vmDir = join(tmp.dir, 'remote'); // VM_DIR on the hosts (one filesystem: the hosts share /tmp)
const images = `${vmDir}/${VID}/images`;
const marker = join(tmp.dir, 'pwned'); // created only if an attack string reaches a shell
const attacks = [`$(touch\${IFS}${marker})`, `\`touch\${IFS}${marker}\``, `x;touch\${IFS}${marker}`, `'";touch\${IFS}${marker};'`, `x|touch\${IFS}${marker}`];
const host = (i: number) => hv.ssh.hosts[i].address;
const domains = async (i: number) => (await hv.virsh(i, 'list', '--all', '--name')).split('\n').filter(Boolean);
const kvm = (verb: string, args: string[], mad = 'vmm_kvm', id = VID) => m.request(mad, verb, id, args);

before(async () => {
  hv = await startHypervisorHosts(2, { firstOctet: 44 });
  cpSync(join(repoRoot, 'etc', 'vmm_kvm'), join(tmp.dir, 'etc', 'vmm_kvm'), { recursive: true }); // the shipped vmm_kvmrc
  m = new DriverManager({
    binDir,
    logger: new MemoryLogger(),
    env: kvmEnv = driverEnv({
      ONE_LOCATION: tmp.dir, // the wrapper then runs the driver in <tmp>/var
      ONE_SSH_KEY: hv.ssh.keyPath,
      ONE_SSH_KNOWN_HOSTS: hv.ssh.knownHostsPath,
      ONE_SSH_PORT: String(hv.ssh.hosts[0].port),
      VMM_KVM_SHUTDOWN_TIMEOUT_S: String(SHUTDOWN_TIMEOUT_S),
      VMM_KVM_SHUTDOWN_CHECK_MS: '500',
    }),
    mads: [
      { name: 'vmm_kvm', kind: 'vmm', executable: 'one_vmm_kvm', arguments: '-t 4' },
      // A URI whose daemon does not exist: what a host with a broken libvirt looks like.
      { name: 'vmm_broken', kind: 'vmm', executable: 'one_vmm_kvm', arguments: '-u qemu+unix:///system?socket=/nonexistent/libvirt-sock' },
    ],
  });
  m.logs$.subscribe((l) => logs.push(l));
  m.replies$.subscribe((r) => replies.push(r));
  const started = await m.start();
  assert.deepEqual(started.failed, []);
  pids = Object.values(m.pids());
});

after(async () => {
  await m?.stop();
  for (const pid of pids) assert.equal(isAlive(pid), false, `driver ${pid} still runs`);
  await hv?.stop();
  tmp.remove();
});

/** What oned writes before DEPLOY: the libvirt XML of a 32 MB diskless TCG guest. */
function writeDeploymentFile(vid: number, seq: number): string {
  const name = attacks.join('').replace(/["\\]/g, '\\$&');
  const template = parseTemplate(`NAME = "${name}"\nMEMORY = 32\nCPU = 1\nOS = [ BOOT = "hd" ]\nFEATURES = [ ACPI = "yes" ]`);
  assert.ok(template.ok);
  const xml = kvmDomainXml({ vid, template: template.value, vmDir }, { domainType: 'qemu' });
  assert.ok(xml.ok, xml.ok ? '' : xml.error.message);
  mkdirSync(join(varDir, String(vid)), { recursive: true });
  writeFileSync(join(varDir, String(vid), `deployment.${seq}`), xml.value.text);
  return xml.value.text;
}

const pollFigures = (r: DriverReply) => Object.fromEntries(r.info.split(' ').map((kv) => kv.split('=')));

describe('one_vmm_kvm against two libvirt hosts', () => {
  it('refuses INIT when its arguments are wrong', async () => {
    const bad = new DriverManager({ binDir, env: kvmEnv, mads: [{ name: 'bad', kind: 'vmm', executable: 'one_vmm_kvm', arguments: '-u' }] });
    const started = await bad.start();
    await bad.stop();
    assert.deepEqual(started.failed.map((f) => f.reason), ['driver answered INIT FAILURE: -u needs a libvirt URI']);
  });

  it('DEPLOY copies the deployment file to the host and creates one-<vid> there', async () => {
    const xml = writeDeploymentFile(VID, 0);
    const t = Date.now();
    const r = await kvm('DEPLOY', [host(0), `${images}/deployment.0`, '-']);
    console.log(`# DEPLOY: ${Date.now() - t} ms`);
    assert.equal(r.result, 'SUCCESS', r.info);
    assert.equal(r.info, `one-${VID}`);
    assert.equal(readFileSync(`${images}/deployment.0`, 'utf8'), xml);
    assert.deepEqual(await domains(0), [`one-${VID}`]);
    assert.deepEqual(await domains(1), []);
    assert.match(await hv.virsh(0, 'dominfo', `one-${VID}`), /^State:\s+running$/m);
  });

  it('POLL reports state, memory in KB, CPU % and network bytes', async () => {
    const first = await kvm('POLL', [host(0), `one-${VID}`, '-']);
    assert.equal(first.result, 'SUCCESS', first.info);
    const f = pollFigures(first);
    assert.deepEqual(Object.keys(f), ['STATE', 'USEDMEMORY', 'USEDCPU', 'NETRX', 'NETTX']);
    assert.equal(f.STATE, 'a');
    assert.equal(f.USEDMEMORY, '32768');
    assert.ok(Number(f.USEDCPU) >= 0 && Number(f.USEDCPU) <= 200, f.USEDCPU);
    assert.equal(f.NETRX, '0'); // no NIC
    // The second poll averages CPU since the first instead of sampling again.
    const t = Date.now();
    const second = pollFigures(await kvm('POLL', [host(0), `one-${VID}`, '-']));
    assert.ok(Date.now() - t < 5000);
    assert.ok(Number(second.USEDCPU) >= 0 && Number(second.USEDCPU) <= 200, second.USEDCPU);
  });

  it('SAVE writes the state file on the host and RESTORE brings the domain back and removes it', async () => {
    const checkpoint = `${images}/checkpoint`;
    const saved = await kvm('SAVE', [host(0), `one-${VID}`, checkpoint]);
    assert.equal(saved.result, 'SUCCESS', saved.info);
    assert.ok(existsSync(checkpoint), 'checkpoint written');
    assert.deepEqual(await domains(0), []);
    assert.equal((await kvm('POLL', [host(0), `one-${VID}`, '-'])).info, 'STATE=d');
    const restored = await kvm('RESTORE', [host(0), `one-${VID}`, checkpoint]);
    assert.equal(restored.result, 'SUCCESS', restored.info);
    assert.deepEqual(await domains(0), [`one-${VID}`]);
    assert.equal(existsSync(checkpoint), false, 'checkpoint removed after the restore');
  });

  it('MIGRATE moves the running domain live from host A to host B', async () => {
    const t = Date.now();
    const r = await kvm('MIGRATE', [host(0), `one-${VID}`, host(1)]);
    console.log(`# MIGRATE (live): ${Date.now() - t} ms`);
    assert.equal(r.result, 'SUCCESS', r.info);
    assert.deepEqual(await domains(0), []);
    assert.deepEqual(await domains(1), [`one-${VID}`]);
    assert.equal(pollFigures(await kvm('POLL', [host(1), `one-${VID}`, '-'])).STATE, 'a');
    assert.equal((await kvm('POLL', [host(0), `one-${VID}`, '-'])).info, 'STATE=d');
  });

  it('SHUTDOWN of a guest that ignores ACPI answers FAILURE after its timeout and leaves it running', async () => {
    const t = Date.now();
    const r = await kvm('SHUTDOWN', [host(1), `one-${VID}`, '-']);
    const took = Date.now() - t;
    assert.equal(r.result, 'FAILURE');
    assert.match(r.info, new RegExp(`one-${VID} did not shut down within ${SHUTDOWN_TIMEOUT_S} s .*still running`));
    assert.ok(took >= SHUTDOWN_TIMEOUT_S * 1000 && took < SHUTDOWN_TIMEOUT_S * 1000 + 8000, `took ${took} ms`);
    assert.deepEqual(await domains(1), [`one-${VID}`]);
  });

  it('DRIVER_CANCEL stops a running SHUTDOWN: logged, and no reply', async () => {
    const pending = kvm('SHUTDOWN', [host(1), `one-${VID}`, '-']);
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(m.notify('vmm_kvm', `DRIVER_CANCEL ${VID}`));
    assert.equal((await pending).origin, 'manager'); // settled by the manager, not by a driver reply
    await waitUntil(() => logs.some((l) => l.vid === VID && l.text === `Driver command for ${VID} cancelled`), 5000, 'cancel log');
    await new Promise((r) => setTimeout(r, SHUTDOWN_TIMEOUT_S * 1000 + 500)); // past the shutdown timeout
    assert.equal(replies.filter((r) => r.verb === 'SHUTDOWN' && r.origin === 'driver').length, 1, 'only the first SHUTDOWN answered');
  });

  it('CANCEL destroys the domain', async () => {
    const r = await kvm('CANCEL', [host(1), `one-${VID}`, '-']);
    assert.equal(r.result, 'SUCCESS', r.info);
    assert.deepEqual(await domains(1), []);
    assert.deepEqual(hv.qemuPids(1).filter(isAlive), []);
    assert.equal((await kvm('POLL', [host(1), `one-${VID}`, '-'])).info, 'STATE=d');
    const again = await kvm('CANCEL', [host(1), `one-${VID}`, '-']);
    assert.equal(again.result, 'FAILURE');
    assert.match(again.info, /failed to get domain 'one-7'/);
  });

  it('DEPLOY against a broken libvirt URI answers FAILURE with virsh\'s error', async () => {
    writeDeploymentFile(8, 0);
    const r = await kvm('DEPLOY', [host(0), `${vmDir}/8/images/deployment.0`, '-'], 'vmm_broken', 8);
    assert.equal(r.result, 'FAILURE');
    assert.match(r.info, /^error: failed to connect to the hypervisor error: Failed to connect socket to '\/nonexistent\/libvirt-sock': No such file or directory$/);
    assert.deepEqual(await domains(0), []);
  });

  it('keeps attack strings in every argument away from the shell', async () => {
    for (const a of attacks) {
      const badHost = await kvm('POLL', [`${host(0)}${a}`, 'one-1', '-']);
      assert.match(badHost.info, /^Invalid host name/);
      const badDest = await kvm('MIGRATE', [host(0), 'one-1', a]);
      assert.match(badDest.info, /^Invalid host name/);
      const poll = await kvm('POLL', [host(0), `one-1${a}`, '-']);
      assert.equal(poll.info, 'STATE=d'); // looked up literally, not found
      const save = await kvm('SAVE', [host(0), a, `${tmp.dir}/s${a}/checkpoint`]);
      assert.equal(save.result, 'FAILURE');
      assert.match(save.info, /failed to get domain/);
      const restore = await kvm('RESTORE', [host(0), 'one-1', `${tmp.dir}/r${a}`]);
      assert.equal(restore.result, 'FAILURE');
    }
    assert.ok(existsSync(`${tmp.dir}/s${attacks[0]}`), 'SAVE made the literal directory');
    // A deployment path made of every attack at once: copied and created literally.
    writeDeploymentFile(9, 3);
    const remote = `${tmp.dir}/d${attacks.join('')}/deployment.3`;
    const deployed = await kvm('DEPLOY', [host(0), remote, '-'], 'vmm_kvm', 9);
    assert.equal(deployed.result, 'SUCCESS', deployed.info);
    assert.ok(existsSync(remote));
    assert.equal((await kvm('CANCEL', [host(0), 'one-9', '-'], 'vmm_kvm', 9)).result, 'SUCCESS');
    assert.equal(existsSync(marker), false, 'no attack string reached a shell');
    assert.deepEqual(await domains(0), []);
  });
});
