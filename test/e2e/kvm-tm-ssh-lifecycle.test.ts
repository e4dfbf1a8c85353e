/**
 * A VM with a real qcow2 disk and a NIC on a real bridge, through oned with both real drivers
 * (one_vmm_kvm with DOMAIN_TYPE qemu, one_tm with tm_ssh) on real libvirt hosts (see
 * docs/hypervisor-tests.md), with virsh and the hosts' VM folders checked after every step:
 * deploy, poll, suspend/resume, stop/resume, cold and live migration, an ignored shutdown,
 * cancel; delete in PROLOG, BOOT, RUNNING, SAVE_SUSPEND, SAVE_STOP and EPILOG; a host whose libvirt
 * cannot be reached and a missing SOURCE. Each host keeps its own VM_DIR, as tm_ssh assumes: the
 * folder is bind-mounted, in the host's mount namespace only, over the one VM_DIR path.
 * Needs root, iproute2, qemu-utils and what test/helpers/kvm-cloud.ts needs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KvmCloud, tag, VM_STATE } from '../helpers/kvm-cloud.ts';
import { waitFor } from '../helpers/oned-harness.ts';
import { qcow2Image, sha256 } from '../integration/drivers/tm-support.ts';

const { ACTIVE, DONE, FAILED } = VM_STATE;
const [PENDING, STOPPED, SUSPENDED] = ['1', '4', '5'];
const SHUTDOWN_TIMEOUT_S = 8;
const LCM = { PROLOG: '1', BOOT: '2', RUNNING: '3', SAVE_STOP: '5', SAVE_SUSPEND: '6', EPILOG: '11' } as const;

describe('a VM through oned with one_vmm_kvm and tm_ssh on real libvirt hosts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'one-kvm-ssh-'));
  const vmDir = join(dir, 'vms'); // VM_DIR: on the front-end an empty mount point
  const hostDir = (i: number) => join(dir, `host${i}`); // what host i sees at VM_DIR
  const image = join(dir, 'disk.qcow2');
  const bridge = `onebr${process.pid % 100_000}`;
  const step: Record<string, number> = {};
  let cloud: KvmCloud;
  let hosts: number[] = [];
  let slowHttp: Server | undefined;

  /** Every file under host i's folder of VM vid, relative to it. */
  const filesOn = (i: number, vid: number) => listFiles(join(hostDir(i), String(vid)));
  const frontImages = (vid: number) => join(cloud.location, 'var', String(vid), 'images');
  const lcmOf = async (vid: number) => tag(await cloud.info(vid), 'LCM_STATE');
  const reaches = (vid: number, state: string, lcm?: string, timeoutMs?: number) => cloud.reaches(vid, state, lcm, timeoutMs);
  const timed = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    const out = await body();
    step[name] = Date.now() - t;
    return out;
  };
  const template = (name: string, source = image, extra = '') => [
    `NAME = "${name}"`, 'MEMORY = 32', 'CPU = 0.1',
    `DISK = [ SOURCE = "${source}", TARGET = hda, DRIVER = qcow2${extra} ]`,
    'NIC = [ NETWORK = "kvm-ssh-net" ]',
  ].join('\n');
  const domainsOf = async (vid: number) => {
    const on: number[] = [];
    for (const i of [0, 1, 2]) if ((await cloud.domains(i)).includes(`one-${vid}`)) on.push(i);
    return on;
  };
  /**
   * No domain of VM vid and no images folder on any host. The clean-up (CANCEL, EPILOG_DELETE)
   * may still run when the VM is already DONE, so this waits for it, then asserts. As in 1.4,
   * EPILOG_DELETE removes <VM_DIR>/<vid>/images and leaves the empty <vid> folder.
   */
  const assertClean = async (vid: number) => {
    const clean = async () => (await domainsOf(vid)).length === 0 && [0, 1, 2].every((i) => !existsSync(join(hostDir(i), String(vid), 'images')));
    await waitFor(`host clean of VM ${vid}`, clean, 30_000).catch(() => undefined);
    assert.deepEqual(await domainsOf(vid), [], `no one-${vid} on any host`);
    for (const i of [0, 1, 2]) assert.deepEqual(filesOn(i, vid), [], `no file of VM ${vid} on host ${i}`);
    for (const i of [0, 1, 2]) assert.equal(existsSync(join(hostDir(i), String(vid), 'images')), false);
  };
  /** Polls the VM's LCM state every 20 ms until it is `lcm`, then deletes the VM at once. */
  const deleteIn = async (vid: number, lcm: string, name: string) => {
    const deadline = Date.now() + 60_000;
    while ((await lcmOf(vid)) !== lcm) {
      assert.ok(Date.now() < deadline, `VM ${vid} never seen in ${name}: ${cloud.vmLog(vid)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await cloud.one.ok('one.vm.action', 'finalize', vid);
    await reaches(vid, DONE);
    // The state it was in when the delete arrived (the poll above may have raced a transition).
    const states = [...cloud.vmLog(vid).matchAll(/New VM state is (\w+)/g)].map((m) => m[1]).filter((x) => !['DELETE', 'DONE'].includes(x));
    assert.equal(states.at(-1), name, cloud.vmLog(vid));
    await assertClean(vid);
  };

  before(async () => {
    mkdirSync(vmDir);
    qcow2Image(image);
    execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge']);
    execFileSync('ip', ['link', 'set', bridge, 'up']);
    cloud = await KvmCloud.start({
      hosts: 3, // the third one's driver has a broken libvirt URI
      firstOctet: 64,
      extraConf: [
        `VM_DIR = "${vmDir}"`,
        'TM_MAD = [ name = "tm_ssh", executable = "one_tm", arguments = "tm_ssh/tm_ssh.conf" ]',
        'VM_MAD = [ name = "vmm_broken", executable = "one_vmm_kvm", arguments = "-u qemu+unix:///system?socket=/nonexistent/sock", default = "vmm_kvm/vmm_kvm.conf", type = "kvm" ]',
      ].join('\n'),
      vmMadOf: (i) => (i < 2 ? 'vmm_kvm' : 'vmm_broken'),
      tmMadOf: () => 'tm_ssh',
      env: { VMM_KVM_SHUTDOWN_TIMEOUT_S: String(SHUTDOWN_TIMEOUT_S), VMM_KVM_SHUTDOWN_CHECK_MS: '300', VMM_KVM_MIGRATE_OPTIONS: '--copy-storage-all' },
    });
    hosts = cloud.hostIds;
    for (const i of [0, 1, 2]) {
      mkdirSync(hostDir(i));
      // The host's sshd and libvirtd (and so its qemu) live in this mount namespace.
      execFileSync('nsenter', ['-t', String(cloud.hv.pid(i)), '-m', '--', 'mount', '--bind', hostDir(i), vmDir]);
    }
    await cloud.one.ok('one.vn.allocate', `NAME = kvm-ssh-net\nTYPE = FIXED\nBRIDGE = ${bridge}\nLEASES = [ IP = 10.77.0.1 ]\nLEASES = [ IP = 10.77.0.2 ]\nLEASES = [ IP = 10.77.0.3 ]\nLEASES = [ IP = 10.77.0.4 ]\nLEASES = [ IP = 10.77.0.5 ]\nLEASES = [ IP = 10.77.0.6 ]\nLEASES = [ IP = 10.77.0.7 ]\nLEASES = [ IP = 10.77.0.8 ]`);
  });

  after(async () => {
    console.log(`# steps (ms): ${JSON.stringify(step)}`);
    slowHttp?.closeAllConnections();
    slowHttp?.close();
    await cloud?.stop();
    try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' }); } catch { /* never made */ }
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploys, polls, suspends, stops, migrates cold and live, survives an ignored shutdown, is cancelled and leaves the host clean', { timeout: 240_000 }, async () => {
    const vid = (await cloud.one.ok('one.vm.allocate', template('full'))) as number;
    const sum = sha256(image);
    let xml = await timed('deploy_to_running', async () => {
      await cloud.one.ok('one.vm.deploy', vid, hosts[0]);
      return reaches(vid, ACTIVE, LCM.RUNNING);
    });
    assert.match(cloud.vmLog(vid), /PROLOG[\s\S]*BOOT[\s\S]*RUNNING/);
    assert.deepEqual(await cloud.domains(0), [`one-${vid}`]);
    assert.deepEqual(filesOn(0, vid), ['images/deployment.0', 'images/disk.0']);
    assert.equal(sha256(join(hostDir(0), String(vid), 'images', 'disk.0')), sum);
    assert.deepEqual(readdirSync(vmDir), [], 'the front-end never sees the hosts\' folders');
    const dumpxml = await cloud.hv.virsh(0, 'dumpxml', `one-${vid}`);
    assert.match(dumpxml, new RegExp(`<source file='${vmDir}/${vid}/images/disk.0'`));
    assert.match(dumpxml, new RegExp(`<source bridge='${bridge}'`));
    const tap = /<target dev='([^']+)'/.exec(dumpxml.slice(dumpxml.indexOf('<interface')))![1];
    assert.match(execFileSync('ip', ['-o', 'link', 'show', 'master', bridge], { encoding: 'utf8' }), new RegExp(`: ${tap}[:@]`));

    xml = await timed('first_poll', () => waitFor('poll figures', async () => {
      const x = await cloud.info(vid);
      return tag(x, 'MEMORY') === '32768' && x;
    }));
    assert.notEqual(tag(xml, 'LAST_POLL'), '0');

    await timed('suspend', async () => {
      await cloud.one.ok('one.vm.action', 'suspend', vid);
      await reaches(vid, SUSPENDED);
    });
    assert.deepEqual(await cloud.domains(0), []);
    assert.deepEqual(filesOn(0, vid), ['images/checkpoint', 'images/deployment.0', 'images/disk.0']);
    await timed('resume_suspended', async () => {
      await cloud.one.ok('one.vm.action', 'resume', vid);
      await reaches(vid, ACTIVE, LCM.RUNNING);
    });
    assert.deepEqual(await cloud.domains(0), [`one-${vid}`]);
    assert.deepEqual(filesOn(0, vid), ['images/deployment.0', 'images/disk.0']);

    await timed('stop', async () => {
      await cloud.one.ok('one.vm.action', 'stop', vid);
      await reaches(vid, STOPPED);
    });
    assert.deepEqual(await cloud.domains(0), []);
    assert.deepEqual(filesOn(0, vid), []);
    assert.deepEqual(listFiles(frontImages(vid)), ['checkpoint', 'deployment.0', 'disk.0']);
    const stoppedSum = sha256(join(frontImages(vid), 'disk.0'));
    await timed('resume_stopped', async () => {
      await cloud.one.ok('one.vm.action', 'resume', vid);
      await reaches(vid, PENDING);
      await cloud.one.ok('one.vm.deploy', vid, hosts[0]);
      await reaches(vid, ACTIVE, LCM.RUNNING);
    });
    assert.deepEqual(await cloud.domains(0), [`one-${vid}`]);
    assert.equal(existsSync(frontImages(vid)), false);
    // RESTORE from the checkpoint, not DEPLOY: no new deployment file.
    assert.deepEqual(filesOn(0, vid), ['images/deployment.0', 'images/disk.0']);
    assert.equal(sha256(join(hostDir(0), String(vid), 'images', 'disk.0')), stoppedSum);

    await timed('cold_migration', async () => {
      await cloud.one.ok('one.vm.migrate', vid, hosts[1], false);
      await reaches(vid, ACTIVE, LCM.RUNNING);
    });
    assert.deepEqual(await cloud.domains(0), []);
    assert.deepEqual(await cloud.domains(1), [`one-${vid}`]);
    assert.deepEqual(filesOn(0, vid), []);
    assert.deepEqual(filesOn(1, vid), ['images/deployment.0', 'images/disk.0']);

    // tm_ssh moves no file at a live migration (as in 1.4): the destination must already see the
    // images, as shared storage gives. The test plays that storage by copying B's folder to A.
    cpSync(join(hostDir(1), String(vid)), join(hostDir(0), String(vid)), { recursive: true });
    await timed('live_migration', async () => {
      await cloud.one.ok('one.vm.migrate', vid, hosts[0], true);
      await reaches(vid, ACTIVE, LCM.RUNNING);
    });
    assert.match(cloud.vmLog(vid), /MIGRATE/);
    assert.equal(tag(await cloud.info(vid), 'HOSTNAME'), cloud.hv.ssh.hosts[0].address, cloud.vmLog(vid));
    assert.deepEqual(await cloud.domains(0), [`one-${vid}`]);
    assert.deepEqual(await cloud.domains(1), []);
    rmSync(join(hostDir(1), String(vid)), { recursive: true }); // the stand-in storage's other side

    // The guest has no OS, so it ignores ACPI: SHUTDOWN times out and the VM runs on.
    await timed('ignored_shutdown', async () => {
      await cloud.one.ok('one.vm.action', 'shutdown', vid);
      await waitFor('shutdown failure', () => new RegExp(`SHUTDOWN failed: .*did not shut down within ${SHUTDOWN_TIMEOUT_S} s`).test(cloud.vmLog(vid)));
      await reaches(vid, ACTIVE, LCM.RUNNING);
    });
    assert.deepEqual(await cloud.domains(0), [`one-${vid}`]);

    await timed('cancel', async () => {
      await cloud.one.ok('one.vm.action', 'cancel', vid);
      await reaches(vid, DONE);
    });
    await assertClean(vid);
  });

  it('leaves the host clean after a delete in PROLOG, BOOT, RUNNING, SAVE_SUSPEND, SAVE_STOP and EPILOG', { timeout: 180_000 }, async () => {
    // PROLOG: a disk served so slowly that the CLONE lasts until the delete cancels it.
    slowHttp = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(64 << 20) });
      res.write(Buffer.alloc(1 << 20));
    });
    await new Promise<void>((r) => slowHttp!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(slowHttp.address() as { port: number }).port}/disk.qcow2`;
    const inProlog = (await cloud.one.ok('one.vm.allocate', template('del-prolog', url))) as number;
    await cloud.one.ok('one.vm.deploy', inProlog, hosts[0]);
    await waitFor('the CLONE writing on host A', () => filesOn(0, inProlog).includes('images/disk.0'));
    await timed('delete_in_prolog', () => deleteIn(inProlog, LCM.PROLOG, 'PROLOG'));

    const inBoot = (await cloud.one.ok('one.vm.allocate', template('del-boot'))) as number;
    await cloud.one.ok('one.vm.deploy', inBoot, hosts[1]);
    await timed('delete_in_boot', () => deleteIn(inBoot, LCM.BOOT, 'BOOT'));

    const inRunning = (await cloud.one.ok('one.vm.allocate', template('del-running'))) as number;
    await cloud.one.ok('one.vm.deploy', inRunning, hosts[0]);
    await reaches(inRunning, ACTIVE, LCM.RUNNING);
    assert.deepEqual(await domainsOf(inRunning), [0]);
    await timed('delete_in_running', () => deleteIn(inRunning, LCM.RUNNING, 'RUNNING'));

    const inSave = (await cloud.one.ok('one.vm.allocate', template('del-save'))) as number;
    await cloud.one.ok('one.vm.deploy', inSave, hosts[1]);
    await reaches(inSave, ACTIVE, LCM.RUNNING);
    await cloud.one.ok('one.vm.action', 'suspend', inSave);
    await timed('delete_in_save_suspend', () => deleteIn(inSave, LCM.SAVE_SUSPEND, 'SAVE_SUSPEND'));

    const inSaveStop = (await cloud.one.ok('one.vm.allocate', template('del-save-stop'))) as number;
    await cloud.one.ok('one.vm.deploy', inSaveStop, hosts[0]);
    await reaches(inSaveStop, ACTIVE, LCM.RUNNING);
    await cloud.one.ok('one.vm.action', 'stop', inSaveStop);
    await timed('delete_in_save_stop', () => deleteIn(inSaveStop, LCM.SAVE_STOP, 'SAVE_STOP'));

    // EPILOG follows only a shutdown that succeeds, and the OS-less guest ignores ACPI: the
    // domain is destroyed behind oned's back while SHUTDOWN waits, as if the guest powered off.
    // SAVE=yes makes the EPILOG longer (the disk goes back to the front-end first).
    const inEpilog = (await cloud.one.ok('one.vm.allocate', template('del-epilog', image, ', SAVE = yes'))) as number;
    await cloud.one.ok('one.vm.deploy', inEpilog, hosts[0]);
    await reaches(inEpilog, ACTIVE, LCM.RUNNING);
    await cloud.one.ok('one.vm.action', 'shutdown', inEpilog);
    // After the driver's virsh shutdown (an ssh login and one virsh: 1-2 s here), well within
    // SHUTDOWN_TIMEOUT_S of it. Too early and SHUTDOWN fails on a missing domain.
    await new Promise((r) => setTimeout(r, 3_000));
    await cloud.hv.virsh(0, 'destroy', `one-${inEpilog}`);
    await timed('delete_in_epilog', () => deleteIn(inEpilog, LCM.EPILOG, 'EPILOG'));
  });

  it('a host whose libvirt cannot be reached and a missing SOURCE end in FAILED, the host cleaned', { timeout: 120_000 }, async () => {
    const broken = (await cloud.one.ok('one.vm.allocate', template('broken-uri'))) as number;
    await cloud.one.ok('one.vm.deploy', broken, hosts[2]);
    await reaches(broken, FAILED);
    assert.match(cloud.vmLog(broken), /Running CLONE [\s\S]*New VM state is BOOT[\s\S]*DEPLOY failed: error: failed to connect to the hypervisor/);
    await assertClean(broken);

    const missing = (await cloud.one.ok('one.vm.allocate', template('no-source', join(dir, 'nope.qcow2')))) as number;
    await cloud.one.ok('one.vm.deploy', missing, hosts[0]);
    await reaches(missing, FAILED);
    const log = readFileSync(join(cloud.location, 'var', String(missing), 'vm.log'), 'utf8');
    assert.match(log, /New VM state is PROLOG\n/);
    assert.match(log, /CLONE \S+\/nope\.qcow2 \S+disk\.0: cat -- \S+\/nope\.qcow2 \(on front-end\): cat: \S+nope\.qcow2: No such file or directory/);
    assert.doesNotMatch(log, /New VM state is BOOT/);
    await assertClean(missing);
  });
});

/** Relative paths of the files under `root`, sorted; none when it does not exist. */
function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(root.length + 1)).sort();
}
