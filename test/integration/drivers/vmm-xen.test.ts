import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { xenConfig } from '../../../src/core/deployment/xen-config.ts';
import { DriverManager } from '../../../src/drivers/driver-manager.ts';
import type { DriverLog, DriverReply } from '../../../src/drivers/driver-reply.ts';
import { parseTemplate } from '../../../src/template/parse-template.ts';
import { startSshHosts, type SshHosts } from '../../helpers/sshd-hosts.ts';
import { xenStandin } from '../../helpers/xen-standin.ts';
import { binDir, driverEnv, isAlive, MemoryLogger, repoRoot, scratch, waitUntil } from './support.ts';

// one_vmm_xen as oned drives it (stdin/stdout through the DriverManager), against two real sshd
// hosts whose PATH starts with stand-ins for xl, xm and xentop (no Xen here). The stand-ins check
// every argument as the real tools would and keep a domain list per host; see xen-standin/xl.
const FIRST_OCTET = 61;
const address = (i: number) => `127.0.0.${FIRST_OCTET + i}`;
const tmp = scratch();
const varDir = join(tmp.dir, 'var'); // ONE_LOCATION/var: where oned's deployment files are read
const vmDir = join(tmp.dir, 'remote'); // VM_DIR on the hosts (the test hosts share this filesystem)
const marker = join(tmp.dir, 'pwned'); // created only if an attack string reaches a shell
const attacks = [`$(touch\${IFS}${marker})`, `\`touch\${IFS}${marker}\``, `x;touch\${IFS}${marker}`, `'";touch\${IFS}${marker};'`, `x|touch\${IFS}${marker}`];
const xen = xenStandin(join(tmp.dir, 'xen'), [address(0), address(1)]);
let ssh: SshHosts;
let baseEnv: NodeJS.ProcessEnv;
const managers: DriverManager[] = [];
const logs: DriverLog[] = [];
const replies: DriverReply[] = [];
const pids: (number | undefined)[] = [];

before(async () => {
  ssh = await startSshHosts(2, { firstOctet: FIRST_OCTET, env: (i) => xen.sessionEnv(address(i)) });
  cpSync(join(repoRoot, 'etc', 'vmm_xen'), join(tmp.dir, 'etc', 'vmm_xen'), { recursive: true }); // the shipped vmm_xenrc
  baseEnv = driverEnv({
    ONE_LOCATION: tmp.dir,
    ONE_SSH_KEY: ssh.keyPath,
    ONE_SSH_KNOWN_HOSTS: ssh.knownHostsPath,
    ONE_SSH_PORT: String(ssh.hosts[0].port),
    VMM_XEN_SHUTDOWN_TIMEOUT_MS: '1000',
    VMM_XEN_SHUTDOWN_CHECK_MS: '200',
  });
});

after(async () => {
  for (const m of managers) await m.stop();
  for (const pid of pids) assert.equal(isAlive(pid), false, `driver ${pid} still runs`);
  await ssh?.stop();
  tmp.remove();
});

/** A started one_vmm_xen named vmm_xen, with extra environment. */
async function xenDriver(env: Record<string, string> = {}): Promise<DriverManager> {
  const m = new DriverManager({ binDir, logger: new MemoryLogger(), env: { ...baseEnv, ...env }, mads: [{ name: 'vmm_xen', kind: 'vmm', executable: 'one_vmm_xen', arguments: '-t 4' }] });
  managers.push(m);
  m.logs$.subscribe((l) => logs.push(l));
  m.replies$.subscribe((r) => replies.push(r));
  const started = await m.start();
  assert.deepEqual(started.failed, []);
  pids.push(m.pids().vmm_xen);
  return m;
}

/** What oned writes before DEPLOY: the xl config of VM `vid`, from a template with a hostile NAME. */
function writeDeploymentFile(vid: number, seq: number, text?: string): string {
  const name = attacks.join('').replace(/["\\]/g, '\\$&');
  const template = parseTemplate(`NAME = "${name}"\nMEMORY = 128\nCPU = 0.5\nOS = [ KERNEL = "/boot/vmlinuz", ROOT = "xvda1" ]\n` +
    `DISK = [ SOURCE = "/img/a.img", TARGET = "xvda" ]\nNIC = [ MAC = "02:00:c0:a8:00:05", BRIDGE = "xenbr0" ]`);
  assert.ok(template.ok);
  const config = xenConfig({ vid, template: template.value, vmDir, defaults: parseDefaults() });
  assert.ok(config.ok, config.ok ? '' : config.error.message);
  mkdirSync(join(varDir, String(vid)), { recursive: true });
  writeFileSync(join(varDir, String(vid), `deployment.${seq}`), text ?? config.value.text);
  return text ?? config.value.text;
}

function parseDefaults() {
  const parsed = parseTemplate(readFileSync(join(repoRoot, 'etc/vmm_xen/vmm_xen.conf'), 'utf8'));
  assert.ok(parsed.ok);
  return parsed.value;
}

const remoteDeployment = (vid: number, seq: number) => `${vmDir}/${vid}/images/deployment.${seq}`;
const figures = (r: DriverReply) => Object.fromEntries(r.info.split(' ').map((kv) => kv.split('=')));
const ok = (r: DriverReply) => assert.equal(r.result, 'SUCCESS', `${r.verb} ${r.info}`);
const names = (i: number) => Object.keys(xen.domains(address(i))).sort();
let callsBefore = 0;
/** Calls made since the test began, as `host prog argv…`. */
const newCalls = () => xen.calls().slice(callsBefore).map((c) => [c.host, c.prog, ...c.argv].join(' '));

beforeEach(() => {
  callsBefore = xen.calls().length;
});

describe('one_vmm_xen against sshd hosts with a stand-in xl', () => {
  let m: DriverManager;
  const req = (verb: string, vid: number, args: string[]) => m.request('vmm_xen', verb, vid, args);
  before(async () => {
    m = await xenDriver();
  });

  it('refuses INIT when XEN_COMMAND or XENTOP_COMMAND is not a plain program word', async () => {
    const reasons: string[] = [];
    for (const env of [{ XEN_COMMAND: `xl;touch\${IFS}${marker}` }, { XEN_COMMAND: 'virsh' }, { XENTOP_COMMAND: '-h' }]) {
      const bad = new DriverManager({ binDir, env: { ...baseEnv, ...env }, mads: [{ name: 'bad', kind: 'vmm', executable: 'one_vmm_xen', arguments: '' }] });
      const started = await bad.start();
      await bad.stop();
      reasons.push(...started.failed.map((f) => f.reason));
    }
    assert.deepEqual(reasons, [
      `driver answered INIT FAILURE: XEN_COMMAND "xl;touch\${IFS}${marker}" must be xl or xm, or an absolute path to one of them`,
      'driver answered INIT FAILURE: XEN_COMMAND "virsh" must be xl or xm, or an absolute path to one of them',
      'driver answered INIT FAILURE: XENTOP_COMMAND "-h" must be a program name or an absolute path of plain characters',
    ]);
  });

  it('DEPLOY copies the config to the host, runs xl create on it and sets the credit weight', async () => {
    const text = writeDeploymentFile(7, 0);
    const reply = await req('DEPLOY', 7, [address(0), remoteDeployment(7, 0), '-']);
    ok(reply);
    assert.equal(reply.info, 'one-7');
    assert.equal(readFileSync(remoteDeployment(7, 0), 'utf8'), text);
    assert.deepEqual(newCalls(), [`${address(0)} xl create ${remoteDeployment(7, 0)}`, `${address(0)} xl sched-credit -d one-7 -w 128`]);
    assert.deepEqual(names(0), ['one-7']);
    assert.equal(xen.domains(address(0))['one-7'].weight, 128);
  });

  it('POLL reads xentop: memory in KB, CPU %, network in bytes, the state letter', async () => {
    const first = figures(await req('POLL', 7, [address(0), 'one-7', '-']));
    assert.deepEqual(first, { USEDMEMORY: String(128 * 1024), USEDCPU: '12.5', NETTX: '0', NETRX: '0', STATE: 'a' });
    const second = figures(await req('POLL', 7, [address(0), 'one-7', '-']));
    assert.deepEqual([second.NETTX, second.NETRX], [String(10 * 1024), String(20 * 1024)]);
    assert.deepEqual(newCalls(), [`${address(0)} xentop -b -i 2 -d 1`, `${address(0)} xentop -b -i 2 -d 1`]);
    const stateAs = async (state: string, shownAs?: string) => {
      const domains = xen.domains(address(0));
      Object.assign(domains['one-7'], { state, shown_as: shownAs });
      xen.setDomains(address(0), domains);
      return figures(await req('POLL', 7, [address(0), 'one-7', '-'])).STATE;
    };
    assert.deepEqual([await stateAs('p'), await stateAs('c'), await stateAs('s'), await stateAs('r', 'migrating-one-7'), await stateAs('b')], ['p', 'e', 'a', 'a', 'a']);
    assert.equal((await req('POLL', 8, [address(0), 'one-8', '-'])).info, 'STATE=d');
  });

  it('SAVE writes the checkpoint on the host, RESTORE brings the domain back', async () => {
    const checkpoint = `${vmDir}/7/images/checkpoint`;
    ok(await req('SAVE', 7, [address(0), 'one-7', checkpoint]));
    assert.ok(existsSync(checkpoint));
    assert.deepEqual(names(0), []);
    assert.equal((await req('POLL', 7, [address(0), 'one-7', '-'])).info, 'STATE=d');
    ok(await req('RESTORE', 7, [address(0), 'one-7', checkpoint]));
    assert.deepEqual(names(0), ['one-7']);
    assert.deepEqual(newCalls().filter((c) => !c.includes('xentop')), [`${address(0)} xl save one-7 ${checkpoint}`, `${address(0)} xl restore ${checkpoint}`]);
  });

  it('MIGRATE moves the domain live to the other host', async () => {
    ok(await req('MIGRATE', 7, [address(0), 'one-7', address(1)]));
    assert.deepEqual([names(0), names(1)], [[], ['one-7']]);
    assert.deepEqual(newCalls(), [`${address(0)} xl migrate one-7 ${address(1)}`]);
  });

  it('SHUTDOWN waits for the domain to go, and destroys one left shut down', async () => {
    xen.shutdownMode(address(1), 'zombie');
    ok(await req('SHUTDOWN', 7, [address(1), 'one-7', '-']));
    assert.deepEqual(names(1), []);
    assert.deepEqual(newCalls(), ['shutdown one-7', 'list one-7', 'destroy one-7'].map((c) => `${address(1)} xl ${c}`));
    writeDeploymentFile(9, 1);
    ok(await req('DEPLOY', 9, [address(0), remoteDeployment(9, 1), '-']));
    callsBefore = xen.calls().length;
    ok(await req('SHUTDOWN', 9, [address(0), 'one-9', '-']));
    assert.deepEqual(newCalls(), ['shutdown one-9', 'list one-9'].map((c) => `${address(0)} xl ${c}`));
    assert.deepEqual(names(0), []);
  });

  it('SHUTDOWN of a guest that ignores it: DRIVER_CANCEL stops the wait, else it fails after the timeout; CANCEL destroys it', async () => {
    writeDeploymentFile(10, 2);
    ok(await req('DEPLOY', 10, [address(0), remoteDeployment(10, 2), '-']));
    xen.shutdownMode(address(0), 'ignore');
    const lists = () => newCalls().filter((c) => c === `${address(0)} xl list one-10`).length;
    const cancelled = req('SHUTDOWN', 10, [address(0), 'one-10', '-']);
    await waitUntil(() => lists() > 0, 5000, 'SHUTDOWN waiting');
    assert.ok(m.notify('vmm_xen', 'DRIVER_CANCEL 10'));
    assert.equal((await cancelled).origin, 'manager'); // settled by the manager: the driver sends no reply
    await waitUntil(() => logs.some((l) => l.vid === 10 && l.text === 'Driver command for 10 cancelled'), 5000, 'cancel log');
    const listed = lists();
    await new Promise((r) => setTimeout(r, 1500)); // past the shutdown timeout
    assert.equal(lists(), listed, 'the wait stopped');
    assert.equal(replies.filter((r) => r.verb === 'SHUTDOWN' && r.id === 10 && r.origin === 'driver').length, 0, 'no reply for the cancelled SHUTDOWN');
    const started = Date.now();
    const reply = await req('SHUTDOWN', 10, [address(0), 'one-10', '-']);
    assert.equal(reply.result, 'FAILURE');
    assert.match(reply.info, /^one-10 did not shut down within 1 s \(the guest did not act on the request\); it is still -b----$/);
    assert.ok(Date.now() - started >= 1000);
    ok(await req('CANCEL', 10, [address(0), 'one-10', '-']));
    assert.deepEqual(names(0), []);
    xen.shutdownMode(address(0), 'gone');
  });

  it('a failing xl or xentop gives FAILURE with what it printed on stderr', async () => {
    const h = address(0);
    writeDeploymentFile(11, 3);
    xen.failNext(h, 'create', 'libxl: error: libxl_create.c:1199:initiate_domain_create: cannot make domain: -3');
    const deploy = await req('DEPLOY', 11, [h, remoteDeployment(11, 3), '-']);
    xen.failNext(h, 'create', undefined);
    assert.deepEqual([deploy.result, deploy.info], ['FAILURE', 'libxl: error: libxl_create.c:1199:initiate_domain_create: cannot make domain: -3']);
    const cancel = await req('CANCEL', 11, [h, 'one-11', '-']);
    assert.deepEqual([cancel.result, cancel.info], ['FAILURE', 'one-11 is an invalid domain identifier (rc=-6)']);
    const restore = await req('RESTORE', 11, [h, 'one-11', `${vmDir}/11/images/checkpoint`]);
    assert.deepEqual([restore.result, restore.info], ['FAILURE', `Failed to open restore file ${vmDir}/11/images/checkpoint: No such file or directory`]);
    xen.failNext(h, 'xentop', 'xentop: Failed to initialize xenstat: Permission denied');
    const poll = await req('POLL', 11, [h, 'one-11', '-']);
    xen.failNext(h, 'xentop', undefined);
    assert.deepEqual([poll.result, poll.info], ['FAILURE', 'xentop: Failed to initialize xenstat: Permission denied']);
    writeDeploymentFile(12, 4);
    ok(await req('DEPLOY', 12, [h, remoteDeployment(12, 4), '-']));
    const migrate = await req('MIGRATE', 12, [h, 'one-12', 'node9.example']);
    assert.deepEqual([migrate.result, migrate.info], ['FAILURE', 'ssh: Could not resolve hostname node9.example: Name or service not known migration sender: Target has exited unexpectedly']);
    ok(await req('CANCEL', 12, [h, 'one-12', '-']));
    // A deployment file in another format (a VM_MAD whose type is not xen) never reaches xl.
    writeDeploymentFile(13, 5, '{"NAME":"json"}');
    const json = await req('DEPLOY', 13, [h, remoteDeployment(13, 5), '-']);
    assert.deepEqual([json.result, json.info], ['FAILURE', `Deployment file ${join(varDir, '13', 'deployment.5')}: no name = '…' line: not a Xen config (is the VM_MAD's type xen?)`]);
    const sshDown = await req('POLL', 12, ['127.0.0.99', 'one-12', '-']);
    assert.equal(sshDown.result, 'FAILURE');
    assert.match(sshDown.info, /^ssh to \S+@127\.0\.0\.99:\d+ failed: connect ECONNREFUSED/);
    assert.ok(newCalls().every((c) => !c.includes('create') || c.endsWith('deployment.3') || c.endsWith('deployment.4')), 'the JSON file never reached xl');
  });

  it('never lets a host, domain or file name run a command', async () => {
    const h = address(0);
    const replies: DriverReply[] = [];
    for (const attack of attacks) {
      replies.push(await req('POLL', 20, [attack, 'one-20', '-']));
      replies.push(await req('CANCEL', 20, [h, attack, '-']));
      replies.push(await req('MIGRATE', 20, [h, 'one-20', attack]));
      replies.push(await req('SAVE', 20, [h, 'one-20', attack]));
    }
    assert.ok(replies.every((r) => r.result === 'FAILURE' && /^(Invalid host name|Bad domain name|Bad file)/.test(r.info)), JSON.stringify(replies.map((r) => r.info)));
    // Odd but absolute paths are used literally, as one quoted word each.
    const odd = `${vmDir}/a${attacks.join('')}b`;
    writeDeploymentFile(21, 6);
    const deploy = await req('DEPLOY', 21, [h, `${odd}/deployment.6`, '-']);
    ok(deploy);
    assert.ok(existsSync(`${odd}/deployment.6`));
    const restore = await req('RESTORE', 21, [h, 'one-21', `${odd}/checkpoint`]);
    assert.equal(restore.info, `Failed to open restore file ${odd}/checkpoint: No such file or directory`);
    ok(await req('CANCEL', 21, [h, 'one-21', '-']));
    assert.deepEqual(newCalls().filter((c) => c.includes(' xl ')), [`${h} xl create ${odd}/deployment.6`, `${h} xl sched-credit -d one-21 -w 128`, `${h} xl restore ${odd}/checkpoint`, `${h} xl destroy one-21`]);
    assert.equal(existsSync(marker), false, 'an attack string ran a command');
  });

  it('with XEN_COMMAND=xm it speaks xm: migrate -l', async () => {
    const xm = await xenDriver({ XEN_COMMAND: 'xm' });
    writeDeploymentFile(30, 7);
    const deploy = await xm.request('vmm_xen', 'DEPLOY', 30, [address(0), remoteDeployment(30, 7), '-']);
    ok(deploy);
    assert.equal(deploy.info, 'one-30');
    ok(await xm.request('vmm_xen', 'MIGRATE', 30, [address(0), 'one-30', address(1)]));
    ok(await xm.request('vmm_xen', 'CANCEL', 30, [address(1), 'one-30', '-']));
    assert.deepEqual(newCalls(), [
      `${address(0)} xm create ${remoteDeployment(30, 7)}`, `${address(0)} xm sched-credit -d one-30 -w 128`,
      `${address(0)} xm migrate -l one-30 ${address(1)}`, `${address(1)} xm destroy one-30`,
    ]);
  });

  it('never gave xl, xm or xentop an argument the real tools would refuse', () => {
    const calls = xen.calls();
    assert.ok(calls.length > 30);
    assert.deepEqual(calls.filter((c) => c.violation), []);
    assert.equal(existsSync(marker), false);
  });
});
