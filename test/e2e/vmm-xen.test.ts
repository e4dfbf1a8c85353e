/**
 * A VM through oned and one_vmm_xen on two sshd hosts whose PATH starts with the stand-in xl
 * and xentop (test/helpers/xen-standin; no Xen here): oned writes the xl config, the driver
 * copies it and creates the domain, polls feed the VM, live migration, suspend and resume,
 * shutdown; a create that xl refuses ends in FAILED with xl's message in the VM log.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dummyConf, makeLocation, Oned, waitFor } from '../helpers/oned-harness.ts';
import { startSshHosts, type SshHosts } from '../helpers/sshd-hosts.ts';
import { xenStandin } from '../helpers/xen-standin.ts';

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const ACTIVE = '3';
const SUSPENDED = '5';
const DONE = '6';
const FAILED = '7';
const RUNNING = '3';
const FIRST_OCTET = 66;
const address = (i: number) => `127.0.0.${FIRST_OCTET + i}`;
const TEMPLATE = 'MEMORY = 64\nCPU = 0.5\nOS = [ KERNEL = "/boot/vmlinuz", ROOT = "xvda1" ]\nDISK = [ SOURCE = "/img/a.img", TARGET = "xvda" ]';

describe('VMs through oned and one_vmm_xen (stand-in xl on sshd hosts)', () => {
  let ssh: SshHosts;
  let one: Oned;
  let location = '';
  let xen: ReturnType<typeof xenStandin>;
  const hosts: number[] = [];

  const info = async (vid: number) => String(await one.ok('one.vm.info', vid));
  const reaches = (vid: number, state: string, lcm: string | undefined) =>
    waitFor(`VM ${vid} in ${state}/${lcm}`, async () => {
      const xml = await info(vid);
      return tag(xml, 'STATE') === state && (lcm === undefined || tag(xml, 'LCM_STATE') === lcm) && xml;
    }, 30_000);
  const names = (i: number) => Object.keys(xen.domains(address(i)));
  const vmLog = (vid: number) => {
    const path = join(location, 'var', String(vid), 'vm.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  };

  before(async () => {
    location = makeLocation(dummyConf(0, 'VM_MAD = [ name = "vmm_xen", executable = "one_vmm_xen", default = "vmm_xen/vmm_xen.conf", type = "xen" ]'));
    mkdirSync(join(location, 'xen'));
    xen = xenStandin(join(location, 'xen'), [address(0), address(1)]);
    ssh = await startSshHosts(2, { firstOctet: FIRST_OCTET, env: (i) => xen.sessionEnv(address(i)) });
    one = await Oned.start({
      location,
      env: { ONE_SSH_KEY: ssh.keyPath, ONE_SSH_KNOWN_HOSTS: ssh.knownHostsPath, ONE_SSH_PORT: String(ssh.hosts[0].port) },
    });
    for (const h of ssh.hosts) hosts.push((await one.ok('one.host.allocate', h.address, 'im_dummy', 'vmm_xen', 'tm_dummy')) as number);
  });

  after(async () => {
    await one?.stop();
    await ssh?.stop();
    one?.remove();
  });

  it('runs a VM: deploy, poll, live migration, suspend and resume, shutdown', async () => {
    const vid = (await one.ok('one.vm.allocate', `NAME = web\n${TEMPLATE}`)) as number;
    await one.ok('one.vm.deploy', vid, hosts[0]);
    let xml = await reaches(vid, ACTIVE, RUNNING);
    assert.equal(tag(xml, 'DEPLOY_ID'), `one-${vid}`);
    assert.deepEqual(names(0), [`one-${vid}`]);
    // The file the driver copied to the host is the one oned wrote.
    const written = readdirSync(join(location, 'var', String(vid))).filter((f) => f.startsWith('deployment.'));
    assert.equal(written.length, 1);
    const local = readFileSync(join(location, 'var', String(vid), written[0]), 'utf8');
    assert.match(local, new RegExp(`^name = 'one-${vid}'$`, 'm'));
    assert.equal(readFileSync(xen.domains(address(0))[`one-${vid}`].config, 'utf8'), local);
    assert.equal(xen.domains(address(0))[`one-${vid}`].weight, 128); // CPU 0.5 × CREDIT 256

    // VM_POLLING_INTERVAL is 1 s: xentop's figures reach the VM.
    xml = await waitFor('poll figures', async () => {
      const x = await info(vid);
      return tag(x, 'MEMORY') === String(64 * 1024) && Number(tag(x, 'NET_TX')) > 0 && x;
    });
    assert.equal(tag(xml, 'CPU'), '12'); // xentop's 12.5 %, kept whole as 1.4 did

    await one.ok('one.vm.migrate', vid, hosts[1], true);
    await waitFor('migrated', async () => names(1).length === 1 && tag(await info(vid), 'LCM_STATE') === RUNNING);
    assert.deepEqual([names(0), names(1)], [[], [`one-${vid}`]]);

    await one.ok('one.vm.action', 'suspend', vid);
    await reaches(vid, SUSPENDED, undefined);
    assert.deepEqual(names(1), []);
    await one.ok('one.vm.action', 'resume', vid);
    await reaches(vid, ACTIVE, RUNNING);
    assert.deepEqual(names(1), [`one-${vid}`]);

    await one.ok('one.vm.action', 'shutdown', vid);
    await reaches(vid, DONE, undefined);
    assert.deepEqual([names(0), names(1)], [[], []]);
    const verbs = xen.calls().filter((c) => c.prog === 'xl').map((c) => `${c.host} ${c.argv[0]}`);
    for (const step of [`${address(0)} create`, `${address(0)} migrate`, `${address(1)} save`, `${address(1)} restore`, `${address(1)} shutdown`]) {
      assert.ok(verbs.includes(step), `no ${step} in ${verbs.join(', ')}`);
    }
  });

  it('a create that xl refuses fails the VM with xl\'s message in its log', async () => {
    xen.failNext(address(0), 'create', 'libxl: error: libxl_create.c:1199:initiate_domain_create: cannot make domain: -3');
    const vid = (await one.ok('one.vm.allocate', `NAME = refused\n${TEMPLATE}`)) as number;
    await one.ok('one.vm.deploy', vid, hosts[0]);
    await reaches(vid, FAILED, undefined);
    await waitFor('xl\'s error in the VM log', () => /DEPLOY failed: libxl: error: libxl_create\.c:1199:initiate_domain_create: cannot make domain: -3/.test(vmLog(vid)));
    xen.failNext(address(0), 'create', undefined);
    assert.deepEqual(names(0), []);
    assert.deepEqual(xen.calls().filter((c) => c.violation), []);
  });
});
