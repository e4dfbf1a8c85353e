/**
 * A VM's images through oned and one_tm (tm_ssh) on a real sshd host, with vmm_dummy: the
 * scripts oned writes (PROLOG with a qcow2 disk, swap and CONTEXT; EPILOG_STOP; PROLOG_RESUME;
 * EPILOG with SAVE=yes) really move the files, and a missing SOURCE ends in FAILED with the
 * failing command in the VM log. Needs openssh-server, qemu-utils and genisoimage.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Oned, waitFor } from '../helpers/oned-harness.ts';
import { startSshHosts, type SshHosts } from '../helpers/sshd-hosts.ts';
import { findNamed, isoFile, qcow2Image, sha256 } from '../integration/drivers/tm-support.ts';

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const [PENDING, ACTIVE, STOPPED, DONE, FAILED, RUNNING] = ['1', '3', '4', '6', '7', '3'];

describe('VM images through oned and one_tm with tm_ssh', () => {
  let ssh: SshHosts;
  let one: Oned;
  let hid: number;
  const dir = mkdtempSync(join(tmpdir(), 'one-tm-e2e-'));
  const vmDir = join(dir, 'vms');
  const image = join(dir, `disk $(touch MARK) 'x'.qcow2`);

  const info = async (vid: number) => String(await one.ok('one.vm.info', vid));
  const reaches = (vid: number, state: string, lcm?: string) =>
    waitFor(`VM ${vid} in ${state}/${lcm}`, async () => {
      const xml = await info(vid);
      assert.ok(state === FAILED || tag(xml, 'STATE') !== FAILED, `VM ${vid} FAILED: ${vmLog(vid)}`);
      return tag(xml, 'STATE') === state && (lcm === undefined || tag(xml, 'LCM_STATE') === lcm) && xml;
    }, 40_000);
  const vmLog = (vid: number) => readFileSync(join(one.location, 'var', String(vid), 'vm.log'), 'utf8');
  const images = (vid: number) => join(vmDir, String(vid), 'images');

  before(async () => {
    qcow2Image(image);
    ssh = await startSshHosts(1, { firstOctet: 60 });
    one = await Oned.start({
      conf: `VM_DIR = "${vmDir}"\nTM_MAD = [ name = "tm_ssh", executable = "one_tm", arguments = "tm_ssh/tm_ssh.conf" ]`,
      env: { ONE_SSH_KEY: ssh.keyPath, ONE_SSH_KNOWN_HOSTS: ssh.knownHostsPath, ONE_SSH_PORT: String(ssh.hosts[0].port) },
    });
    hid = (await one.ok('one.host.allocate', ssh.hosts[0].address, 'im_dummy', 'vmm_dummy', 'tm_ssh')) as number;
  });

  after(async () => {
    await one?.stop();
    await ssh?.stop();
    one?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploys, stops, resumes and shuts down a VM while its files really move', async () => {
    const source = image.replace(/["\\]/g, '\\$&');
    const vid = (await one.ok('one.vm.allocate', [
      'NAME = "web 1"',
      `DISK = [ SOURCE = "${source}", TARGET = hda, SAVE = yes ]`,
      'DISK = [ TYPE = swap, SIZE = 8, TARGET = hdb ]',
      'CONTEXT = [ HOSTNAME = "$NAME", EVIL = "$(touch MARK)\'", TARGET = hdc ]',
    ].join('\n'))) as number;
    await one.ok('one.vm.deploy', vid, hid);
    await reaches(vid, ACTIVE, RUNNING);
    const sum = sha256(image);
    assert.equal(sha256(join(images(vid), 'disk.0')), sum);
    assert.equal(readFileSync(join(images(vid), 'disk.1')).subarray(4086, 4096).toString(), 'SWAPSPACE2');
    const contextSh = isoFile(join(images(vid), 'disk.2'), 'context.sh');
    assert.match(contextSh, /^HOSTNAME='web 1'$/m);
    assert.match(contextSh, /^EVIL='\$\(touch MARK\)'\\'''$/m);

    await one.ok('one.vm.action', 'stop', vid);
    await reaches(vid, STOPPED);
    assert.equal(existsSync(images(vid)), false);
    assert.equal(sha256(join(one.location, 'var', String(vid), 'images', 'disk.0')), sum);

    await one.ok('one.vm.action', 'resume', vid);
    await reaches(vid, PENDING);
    await one.ok('one.vm.deploy', vid, hid);
    await reaches(vid, ACTIVE, RUNNING);
    assert.equal(sha256(join(images(vid), 'disk.0')), sum);
    assert.equal(existsSync(join(one.location, 'var', String(vid), 'images')), false);

    // The guest's disk changed while it ran: SAVE=yes brings the changed file back.
    execFileSync('qemu-io', ['-c', 'write -P 0xcd 0 64k', join(images(vid), 'disk.0')], { stdio: 'ignore' });
    const changed = sha256(join(images(vid), 'disk.0'));
    assert.notEqual(changed, sum);
    await one.ok('one.vm.action', 'shutdown', vid);
    await reaches(vid, DONE);
    assert.equal(sha256(join(one.location, 'var', String(vid), 'disk.0')), changed);
    assert.equal(existsSync(images(vid)), false);
    assert.deepEqual([...findNamed(dir, 'MARK'), ...findNamed(one.location, 'MARK'), ...findNamed(ssh.dir, 'MARK')], []);
  });

  it('a missing SOURCE fails the prolog with the failing command in the VM log', async () => {
    const vid = (await one.ok('one.vm.allocate', `NAME = broken\nDISK = [ SOURCE = "${dir}/nope.qcow2", TARGET = hda ]`)) as number;
    await one.ok('one.vm.deploy', vid, hid);
    await reaches(vid, FAILED);
    assert.match(vmLog(vid), /CLONE \S+:\S+\/nope\.qcow2 \S+disk\.0: cat -- \S+\/nope\.qcow2 \(on front-end\): cat: \S+nope\.qcow2: No such file or directory/);
  });
});
