/**
 * Hosts cut off mid-operation. Three sshd hosts, each in a network namespace of its own
 * (test/helpers/netns-hosts.ts), run the stand-in xl (test/helpers/xen-standin) for one_vmm_xen.
 * The link to a host is taken down while tm_ssh is copying an image to it (PROLOG), while
 * `xl create` runs on it (DEPLOY), and while a probe runs on it (MONITOR): nothing answers
 * any more and no error comes back, as when a cable is pulled. The drivers notice through
 * their ssh keepalives (ONE_SSH_ALIVE_*, 2 s × 2 here), so each fault ends within seconds in
 * the state 1.4 gives it: the VM FAILED after PROLOG or DEPLOY failed; the host ERROR (and a
 * VM on it still RUNNING, its failed polls logged) after MONITOR failed. oned answers Python's
 * xmlrpc.client all along. Needs root, iproute2 and openssh-server.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { dummyConf, makeLocation, Oned, REPO, runPython, waitFor } from '../helpers/oned-harness.ts';
import { startNetnsHosts, type NetnsHosts } from '../helpers/netns-hosts.ts';
import { xenStandin } from '../helpers/xen-standin.ts';

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const [ACTIVE, FAILED, RUNNING, PROLOG] = ['3', '7', '3', '1'];
const [MONITORED, ERROR] = ['2', '3'];
const TEMPLATE = 'MEMORY = 64\nCPU = 0.1\nOS = [ KERNEL = "/boot/vmlinuz", ROOT = "xvda1" ]';
/**
 * Keepalives 2 s apart, 2 unanswered: a dead link shows within about 6 s, while an sshd slowed
 * down by a busy machine is not taken for dead (nor one slow to log in: 5 s to connect).
 */
const SSH_ENV = { ONE_SSH_ALIVE_INTERVAL_MS: '2000', ONE_SSH_ALIVE_COUNT: '2', ONE_SSH_CONNECT_TIMEOUT_MS: '5000' };
/** Well under every other limit that could end a fault (DRIVER_TIMEOUT 120 s, IM 60 s, VMM 300 s). */
const NOTICED_WITHIN_MS = 30_000;
/** A probe that waits while the test holds monitoring, so that the link can be cut in the middle. */
const HOLD_PROBE = '#!/bin/sh\n[ -e "$FAULT_DIR/hold-monitor" ] || exit 0\ntouch "$FAULT_DIR/held-monitor"\nwhile [ -e "$FAULT_DIR/hold-monitor" ]; do sleep 0.1; done\n';

describe('hosts cut off mid-operation (network namespaces)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'one-faults-'));
  const vmDir = join(dir, 'vms');
  let net: NetnsHosts;
  let one: Oned;
  let xen: ReturnType<typeof xenStandin>;
  let image: Server | undefined;
  const hid: number[] = [];

  const vmXml = async (vid: number) => String(await one.ok('one.vm.info', vid));
  const hostXml = async (h: number) => String(await one.ok('one.host.info', h));
  const vmLog = (vid: number) => readIfThere(join(one.location, 'var', String(vid), 'vm.log'));
  const serving = async () => JSON.parse(await runPython(join(REPO, 'test/e2e/python/still_serving.py'), [`http://127.0.0.1:${one.port}/RPC2`])) as
    { seconds: number; vms: Record<string, [number, number]>; hosts: Record<string, number> };
  const vmState = async (vid: number) => { const x = await vmXml(vid); return `${tag(x, 'STATE')}/${tag(x, 'LCM_STATE')}`; };
  const reaches = (vid: number, state: string, lcm?: string) =>
    waitFor(`VM ${vid} in ${state}/${lcm ?? '*'} (log: ${vmLog(vid)})`, async () => {
      const xml = await vmXml(vid);
      return tag(xml, 'STATE') === state && (lcm === undefined || tag(xml, 'LCM_STATE') === lcm);
    }, NOTICED_WITHIN_MS);
  const allocate = async (name: string, extra = '') => (await one.ok('one.vm.allocate', `NAME = "${name}"\n${TEMPLATE}\n${extra}`)) as number;

  before(async () => {
    mkdirSync(join(dir, 'xen'));
    xen = xenStandin(join(dir, 'xen'), ['h0', 'h1', 'h2']);
    net = await startNetnsHosts(3, { env: (i) => ({ ...xen.sessionEnv(`h${i}`), FAULT_DIR: dir }) });
    const location = makeLocation(dummyConf(0, [
      `VM_DIR = "${vmDir}"`,
      'IM_MAD = [ name = "im_kvm", executable = "one_im_ssh", arguments = "im_kvm/im_kvm.conf" ]',
      'VM_MAD = [ name = "vmm_xen", executable = "one_vmm_xen", default = "vmm_xen/vmm_xen.conf", type = "xen" ]',
      'TM_MAD = [ name = "tm_ssh", executable = "one_tm", arguments = "tm_ssh/tm_ssh.conf" ]',
    ].join('\n')).replace(/^DRIVER_TIMEOUT = \d+$/m, 'DRIVER_TIMEOUT = 120'));
    writeFileSync(join(dir, 'hold-probe.sh'), HOLD_PROBE, { mode: 0o755 });
    const probes = join(location, 'etc', 'im_kvm', 'im_kvm.conf');
    writeFileSync(probes, `${readFileSync(probes, 'utf8')}hold=${join(dir, 'hold-probe.sh')}\n`);
    const s = net.ssh;
    one = await Oned.start({ location, env: { ONE_SSH_KEY: s.keyPath, ONE_SSH_KNOWN_HOSTS: s.knownHostsPath, ONE_SSH_PORT: String(s.hosts[0].port), ...SSH_ENV } });
    // Host 0 is cut during PROLOG (tm_ssh), host 1 during DEPLOY, host 2 during MONITOR (im_kvm + the hold probe).
    const drivers = [['im_dummy', 'tm_ssh'], ['im_dummy', 'tm_dummy'], ['im_kvm', 'tm_dummy']];
    for (const [i, [im, tm]] of drivers.entries()) hid.push((await one.ok('one.host.allocate', s.hosts[i].address, im, 'vmm_xen', tm)) as number);
  });

  after(async () => {
    image?.closeAllConnections();
    image?.close();
    await one?.stop();
    await net?.stop();
    one?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('PROLOG: the link to the host goes down while tm_ssh copies an image; the VM FAILED', async () => {
    // An image served slowly (64 KiB every 50 ms), so the copy is under way when the link goes.
    const port = await freePort();
    image = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(256 * 2 ** 20) });
      const chunk = Buffer.alloc(64 * 1024, 0xab);
      const timer = setInterval(() => res.write(chunk), 50);
      res.on('close', () => clearInterval(timer));
    }).listen(port, '127.0.0.1');
    const vid = await allocate('prolog cut', `DISK = [ SOURCE = "http://127.0.0.1:${port}/disk.img", TARGET = "xvda" ]`);
    await one.ok('one.vm.deploy', vid, hid[0]);
    const disk = join(vmDir, String(vid), 'images', 'disk.0');
    await waitFor('2 MiB of the image on the host', () => existsSync(disk) && statSync(disk).size >= 2 * 2 ** 20, 30_000);
    net.cut(0);
    const cutAt = Date.now();

    const during = await serving();
    assert.ok([`${ACTIVE}/${PROLOG}`, `${FAILED}/0`].includes(during.vms[vid].join('/')), `VM ${vid} is ${during.vms[vid]} during the cut`);
    await reaches(vid, FAILED);
    assert.ok(Date.now() - cutAt < NOTICED_WITHIN_MS);
    assert.deepEqual((await serving()).vms[vid], [Number(FAILED), 0]);
    assert.match(vmLog(vid), /\[TM\]\[E\]: TRANSFER failed: .*ssh to 100\.[\d.]+ failed or lost its connection \(exit status 255\)/);
    await waitFor('FAILED in the VM log', () => /\[DiM\]\[I\]: New VM state is FAILED/.test(vmLog(vid))); // written just after the commit
  });

  it('DEPLOY: the link goes down while xl create runs on the host; the VM FAILED', async () => {
    xen.hold('h1', 'create', true);
    const vid = await allocate('deploy cut');
    await one.ok('one.vm.deploy', vid, hid[1]);
    await waitFor('xl create under way on the host', () => xen.held('h1', 'create'));
    net.cut(1);
    const cutAt = Date.now();

    const during = await serving();
    assert.ok([`${ACTIVE}/2`, `${FAILED}/0`].includes(during.vms[vid].join('/')), `VM ${vid} is ${during.vms[vid]} during the cut (BOOT expected)`);
    await reaches(vid, FAILED);
    assert.ok(Date.now() - cutAt < NOTICED_WITHIN_MS);
    assert.deepEqual((await serving()).vms[vid], [Number(FAILED), 0]);
    assert.match(vmLog(vid), /\[VMM\]\[E\]: DEPLOY failed: ssh to \S+@100\.[\d.]+:\d+: connection lost \(Keepalive timeout\)/);
  });

  it('MONITOR: the link goes down while a probe runs; the host ERROR, its VM still RUNNING with failed polls logged, then MONITORED again once healed', async () => {
    const vid = await allocate('on a host cut off');
    await one.ok('one.vm.deploy', vid, hid[2]);
    await reaches(vid, ACTIVE, RUNNING);
    await waitFor('host monitored', async () => tag(await hostXml(hid[2]), 'STATE') === MONITORED, 30_000);
    const hold = join(dir, 'hold-monitor');
    writeFileSync(hold, '');
    await waitFor('a probe under way', () => existsSync(join(dir, 'held-monitor')), 30_000);
    net.cut(2);
    const cutAt = Date.now();

    const during = await serving();
    assert.ok(during.hosts[hid[2]] !== undefined);
    await waitFor('host in ERROR', async () => tag(await hostXml(hid[2]), 'STATE') === ERROR, NOTICED_WITHIN_MS);
    assert.ok(Date.now() - cutAt < NOTICED_WITHIN_MS);
    await waitFor('the lost connection in oned.log', () =>
      new RegExp(`\\[InM\\]\\[E\\]: Error monitoring host ${hid[2]}: Could not monitor host 100\\.[\\d.]+: ssh to \\S+: connection lost \\(Keepalive timeout\\)`).test(one.log()));
    // 1.4: a failed POLL is only logged; the VM stays RUNNING.
    await waitFor('a failed poll in the VM log', () => /\[VMM\]\[E\]: Error monitoring VM: /.test(vmLog(vid)), NOTICED_WITHIN_MS);
    assert.equal(await vmState(vid), `${ACTIVE}/${RUNNING}`);
    const still = await serving();
    // ERROR, or MONITORING while oned tries it again (it does, every interval).
    assert.ok([Number(ERROR), 1].includes(still.hosts[hid[2]]), `host ${hid[2]} is ${still.hosts[hid[2]]}`);
    assert.deepEqual(still.vms[vid], [Number(ACTIVE), Number(RUNNING)]);

    rmSync(hold);
    net.heal(2);
    await waitFor('host monitored again', async () => tag(await hostXml(hid[2]), 'STATE') === MONITORED, 30_000);
    assert.equal(await vmState(vid), `${ACTIVE}/${RUNNING}`);
  });
});

function readIfThere(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
