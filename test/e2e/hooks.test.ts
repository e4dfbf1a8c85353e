import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSshHosts, type SshHosts } from '../helpers/sshd-hosts.ts';
import { allEvents, Oned, waitFor } from '../helpers/oned-harness.ts';

/**
 * VM_HOOKs (spec §11.1, §4.7, §9.2) through the real oned and the real
 * one_hm driver: local hooks, remote hooks over ssh to a real sshd, the
 * HookQueued/HookStarted/HookFinished events, and restarts.
 */

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];

async function vmReaches(one: Oned, vid: number, state: number, lcm?: number): Promise<void> {
  await waitFor(`VM ${vid} in ${state}/${lcm ?? '*'}`, async () => {
    const xml = String(await one.ok('one.vm.info', vid));
    return tag(xml, 'STATE') === String(state) && (lcm === undefined || tag(xml, 'LCM_STATE') === String(lcm));
  });
}

const linesOf = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);

type HookRecord = { run: number; name: string; on: string; arguments: string; host?: string };
interface HookHistory {
  queued: HookRecord[];
  started: number[];
  finished: { run: number; success: boolean; info: string }[];
  interrupted: number[];
}

/** What the log says about the hook runs of every VM, from one.event.poll. */
async function hookHistory(one: Oned): Promise<Map<number, HookHistory>> {
  const byVm = new Map<number, HookHistory>();
  for (const { stream, event } of await allEvents(one)) {
    const m = /^hook\/(\d+)$/.exec(stream);
    if (!m) continue;
    const vid = Number(m[1]);
    const h = byVm.get(vid) ?? { queued: [], started: [], finished: [], interrupted: [] };
    byVm.set(vid, h);
    const e = event as unknown as Record<string, never>;
    if (event.type === 'HookQueued') h.queued.push(...(e.runs as HookRecord[]));
    else if (event.type === 'HookStarted') h.started.push(e.run);
    else if (event.type === 'HookFinished') h.finished.push({ run: e.run, success: e.success, info: e.info });
    else if (event.type === 'HookInterrupted') h.interrupted.push(e.run);
  }
  return byVm;
}

const ON = ['CREATE', 'RUNNING', 'SHUTDOWN', 'STOP', 'DONE', 'FAILED'] as const;

describe('VM hooks through oned and one_hm', () => {
  let ssh: SshHosts;
  let one: Oned;
  let dir: string;
  let out: string;
  let remoteOut: string;
  let host: string;
  let other: string;

  before(async () => {
    ssh = await startSshHosts(2);
    // A host's name is its address: that is where its remote hooks go.
    [host, other] = ssh.hosts.map((h) => h.address) as [string, string];
    dir = mkdtempSync(join(tmpdir(), 'one-hooks-'));
    out = join(dir, 'hooks.out');
    remoteOut = join(dir, 'remote.out');
    const local = ON.map(
      (on) => `VM_HOOK = [ name = "h_${on.toLowerCase()}", on = "${on.toLowerCase()}", command = "/bin/sh", arguments = "-c 'echo ${on} $VMID $NAME $NIC[IP] >> ${out}'" ]`,
    );
    const conf = [
      'HM_MAD = [ executable = "one_hm" ]',
      ...local,
      // A named network NIC, and a hook that fails.
      `VM_HOOK = [ name = "second_nic", on = "CREATE", command = "/bin/sh", arguments = "-c 'echo NIC2 $VMID $NIC[IP, NETWORK=\\"back\\"] $NIC[MAC, NETWORK=\\"back\\"] >> ${out}'" ]`,
      `VM_HOOK = [ name = "broken", on = "STOP", command = "/bin/sh", arguments = "-c 'exit 3'" ]`,
      // Remote: the backquotes run on the host, so SSH_CONNECTION proves the hook went over ssh.
      `VM_HOOK = [ name = "r_running", on = "RUNNING", command = "/bin/sh", arguments = "-c 'echo remote $VMID $NAME \`printenv SSH_CONNECTION\` >> ${remoteOut}'", remote = "yes" ]`,
      // A VM has no host when it is created: a remote CREATE hook is never queued.
      `VM_HOOK = [ name = "r_create", on = "CREATE", command = "/bin/true", remote = "yes" ]`,
    ].join('\n');
    one = await Oned.start({
      conf,
      env: {
        ONE_SSH_KEY: ssh.keyPath,
        ONE_SSH_KNOWN_HOSTS: ssh.knownHostsPath,
        ONE_SSH_PORT: String(ssh.hosts[0]!.port),
        VMM_DUMMY_FAIL_IDS: '1',
        VMM_DUMMY_FAIL_ACTIONS: 'DEPLOY',
      },
    });
  });

  after(async () => {
    await one?.stop();
    one?.remove();
    await ssh?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fires on CREATE, RUNNING, STOP, SHUTDOWN, DONE and FAILED with $ substitution, locally and over ssh', async () => {
    await one.ok('one.vn.allocate', 'NAME = front\nTYPE = RANGED\nBRIDGE = br0\nNETWORK_ADDRESS = 10.0.0.0\nNETWORK_SIZE = C');
    await one.ok('one.vn.allocate', 'NAME = back\nTYPE = RANGED\nBRIDGE = br1\nNETWORK_ADDRESS = 10.1.0.0\nNETWORK_SIZE = C');
    const hid = (await one.ok('one.host.allocate', host, 'im_dummy', 'vmm_dummy', 'tm_dummy')) as number;
    const otherHid = (await one.ok('one.host.allocate', other, 'im_dummy', 'vmm_dummy', 'tm_dummy')) as number;

    const vid = (await one.ok('one.vm.allocate', 'NAME = web\nNIC = [ NETWORK = front ]\nNIC = [ NETWORK = back ]')) as number;
    assert.equal(vid, 0);
    await one.ok('one.vm.deploy', vid, hid);
    await vmReaches(one, vid, 3, 3);
    await waitFor('RUNNING hooks', () => linesOf(out).some((l) => l.startsWith('RUNNING')) && linesOf(remoteOut).length === 1);
    await one.ok('one.vm.action', 'stop', vid);
    await vmReaches(one, vid, 4);
    await one.ok('one.vm.action', 'resume', vid);
    await vmReaches(one, vid, 1);
    await one.ok('one.vm.deploy', vid, otherHid); // the remote hook follows the VM
    await vmReaches(one, vid, 3, 3);
    await one.ok('one.vm.action', 'shutdown', vid);
    await vmReaches(one, vid, 6);

    const bad = (await one.ok('one.vm.allocate', 'NAME = bad')) as number;
    assert.equal(bad, 1, 'VMM_DUMMY_FAIL_IDS names this VM');
    await one.ok('one.vm.deploy', bad, hid);
    await vmReaches(one, bad, 7);

    const expectWeb = [
      'CREATE 0 web 10.0.0.1',
      'NIC2 0 10.1.0.1 00:01:0a:01:00:01',
      'RUNNING 0 web 10.0.0.1',
      'STOP 0 web 10.0.0.1',
      'RUNNING 0 web 10.0.0.1',
      'SHUTDOWN 0 web 10.0.0.1',
      'DONE 0 web 10.0.0.1',
    ];
    // "$NIC[…]" of a VM without NICs is empty (§9.2).
    const expectBad = ['CREATE 1 bad', 'NIC2 1', 'FAILED 1 bad'];
    const done = await waitFor('every hook line', () => {
      const lines = linesOf(out);
      return lines.length >= expectWeb.length + expectBad.length && lines;
    });
    // Runs of one VM go one after the other, in the order their transitions committed.
    const ofVm = (vid: number) => done.filter((l) => l.split(' ')[1] === String(vid));
    assert.deepEqual(ofVm(0), expectWeb);
    assert.deepEqual(ofVm(1), expectBad);
    assert.equal(done.length, expectWeb.length + expectBad.length);

    const remote = linesOf(remoteOut);
    assert.equal(remote.length, 2, 'the remote RUNNING hook ran once per RUNNING');
    const port = ssh.hosts[0]!.port; // every sshd listens on the same port, on its own address
    // SSH_CONNECTION = "client-ip client-port server-ip server-port"
    assert.deepEqual(remote.map((l) => l.replace(/^(remote 0 web) \S+ \d+ /, '$1 ')), [`remote 0 web ${host} ${port}`, `remote 0 web ${other} ${port}`]);

    const history = await waitFor('every run finished', async () => {
      const h = await hookHistory(one);
      return [...h.values()].every((v) => v.finished.length === v.queued.length) && h;
    });
    const web = history.get(0)!;
    assert.deepEqual(web.queued.map((r) => `${r.on} ${r.name}${r.host ? `@${r.host}` : ''}`), [
      'CREATE h_create',
      'CREATE second_nic',
      'RUNNING h_running',
      `RUNNING r_running@${host}`,
      'STOP h_stop',
      'STOP broken',
      'RUNNING h_running',
      `RUNNING r_running@${other}`,
      'SHUTDOWN h_shutdown',
      'DONE h_done',
    ]);
    assert.equal(web.queued[0]!.arguments, `-c 'echo CREATE 0 web 10.0.0.1 >> ${out}'`, 'arguments are stored after substitution');
    // Every queued run started once and finished once.
    assert.deepEqual(web.started, web.queued.map((r) => r.run));
    assert.deepEqual(web.finished.map((f) => f.run).sort((a, b) => a - b), web.queued.map((r) => r.run));
    assert.deepEqual(web.interrupted, []);
    const broken = web.queued.find((r) => r.name === 'broken')!;
    assert.deepEqual(web.finished.filter((f) => !f.success), [{ run: broken.run, success: false, info: 'broken exit code 3' }]);
    assert.deepEqual(history.get(1)!.queued.map((r) => `${r.on} ${r.name}`), ['CREATE h_create', 'CREATE second_nic', 'FAILED h_failed']);

    const vmLog = readFileSync(join(one.location, 'var', '0', 'vm.log'), 'utf8');
    assert.match(vmLog, /Hook h_done \(DONE\) succeeded/);
    assert.match(vmLog, /Hook broken \(STOP\) failed: broken exit code 3/);
  });
});

/** Is a process whose command line names `file` (a hook of this test) still running? */
function hookProcessesAlive(file: string): boolean {
  const ps = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
  return ps.split('\n').some((line) => line.includes(file) && !line.startsWith('ps '));
}

/** How long the "slow" hook sleeps: long enough to crash oned while it runs. */
const SLOW_MS = 3_000;

describe('hooks across an oned crash or stop', () => {
  for (const how of ['crash', 'stop'] as const) {
    it(`runs each queued hook once after a ${how === 'crash' ? 'SIGKILL' : 'SIGTERM'}, or reports it interrupted, never twice`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'one-hooks-crash-'));
      const out = join(dir, 'slow.out');
      // Runs of one VM queue behind each other: when oned dies during "slow",
      // "after" is still only queued, and must run once the daemon is back.
      const conf = [
        'HM_MAD = [ executable = "one_hm" ]',
        `VM_HOOK = [ name = "slow", on = "RUNNING", command = "/bin/sh", arguments = "-c 'sleep ${SLOW_MS / 1000}; echo slow $VMID >> ${out}'" ]`,
        `VM_HOOK = [ name = "after", on = "RUNNING", command = "/bin/sh", arguments = "-c 'echo after $VMID >> ${out}'" ]`,
      ].join('\n');
      let one = await Oned.start({ conf });
      try {
        await one.ok('one.host.allocate', 'h', 'im_dummy', 'vmm_dummy', 'tm_dummy');
        const vids: number[] = [];
        for (let i = 0; i < 3; i++) vids.push((await one.ok('one.vm.allocate', `NAME = c${i}`)) as number);
        for (const vid of vids) await one.ok('one.vm.deploy', vid, 0);
        for (const vid of vids) await vmReaches(one, vid, 3, 3);
        await (how === 'crash' ? one.crash() : one.stop());
        assert.ok(!linesOf(out).some((l) => l.startsWith('after')), `the ${how} came before any "after" hook ran`);

        one = await Oned.start({ conf, location: one.location });
        const history = await waitFor('every run closed', async () => {
          const h = await hookHistory(one);
          const closed = (v: HookHistory) => v.finished.length + v.interrupted.length === v.queued.length;
          return vids.every((vid) => h.get(vid) && closed(h.get(vid)!)) && h;
        });
        // A hook cut off by the crash may still be finishing on its own: wait until no process of
        // ours is left (their command lines name `out`), not for a guessed time.
        await waitFor('no hook process left', () => !hookProcessesAlive(out), 60_000);
        const lines = linesOf(out);
        let interrupted = 0;
        for (const vid of vids) {
          const h = history.get(vid)!;
          assert.deepEqual(h.queued.map((r) => r.name), ['slow', 'after'], 'a restart never fires RUNNING again');
          for (const run of h.queued) {
            const count = lines.filter((l) => l === `${run.name} ${vid}`).length;
            const finished = h.finished.filter((f) => f.run === run.run).length;
            const cut = h.interrupted.filter((r) => r === run.run).length;
            assert.equal(finished + cut, 1, `VM ${vid} run ${run.name} is closed exactly once`);
            const succeeded = h.finished.some((f) => f.run === run.run && f.success);
            if (succeeded) assert.equal(count, 1, `VM ${vid} hook ${run.name} succeeded and ran exactly once`);
            else assert.ok(count <= 1, `VM ${vid} hook ${run.name} was interrupted and ran at most once, not ${count} times`);
            interrupted += cut;
          }
          assert.ok(h.finished.some((f) => f.run === h.queued[1]!.run && f.success), `VM ${vid}: the "after" hook, still queued at the ${how}, ran after the restart: ${JSON.stringify(h.finished)}`);
          assert.equal(h.started.filter((r) => r === h.queued[1]!.run).length, 1);
        }
        if (how === 'crash') {
          assert.ok(interrupted > 0, 'the crash cut off at least one started hook');
          assert.match(readFileSync(join(one.location, 'var', String(vids[0]), 'vm.log'), 'utf8'), /interrupted by an oned restart; not repeated/);
        }
      } finally {
        await one.stop();
        one.remove();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
