import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DriverManager, type DriverManagerOptions, type DriverRequestDone } from '../../../src/drivers/driver-manager.ts';
import type { DriverLog, DriverReply } from '../../../src/drivers/driver-reply.ts';
import type { MadConfig } from '../../../src/drivers/mad-config.ts';
import { binDir, driverEnv, isAlive, MemoryLogger, scratch, waitUntil } from './support.ts';

const tmp = scratch();
after(() => tmp.remove());
/** one_tm_dummy reads and parses the script it is given. */
const prolog = join(tmp.dir, 'transfer.0.prolog');
writeFileSync(prolog, 'CLONE front:/img/a.img node1:/srv/5/images/disk.0\nMKSWAP 512 node1:/srv/5/images/disk.1\n');

const dummies: MadConfig[] = [
  { name: 'im_dummy', kind: 'im', executable: 'one_im_dummy' },
  { name: 'vmm_dummy', kind: 'vmm', executable: 'one_vmm_dummy', arguments: '-t 15', type: 'xml' },
  { name: 'tm_dummy', kind: 'tm', executable: 'one_tm_dummy' },
  { name: 'hook_exe', kind: 'hm', executable: 'one_hm' },
];

/** Starts a manager and guarantees it is stopped (every child reaped) when the test ends. */
async function withManager<T>(opts: Partial<DriverManagerOptions> & { mads: readonly MadConfig[] }, body: (m: DriverManager, log: MemoryLogger) => Promise<T>): Promise<T> {
  const logger = new MemoryLogger();
  const manager = new DriverManager({ binDir, logger, env: driverEnv(), restartBaseDelayMs: 20, stopGraceMs: 1000, ...opts });
  try {
    return await body(manager, logger);
  } finally {
    const pids = Object.values(manager.pids());
    await manager.stop();
    for (const pid of pids) assert.equal(isAlive(pid), false, `driver pid ${pid} still alive after stop()`);
  }
}

describe('DriverManager with the dummy drivers', () => {
  it('starts every driver, answers requests and streams replies', async () => {
    await withManager({ mads: dummies, env: driverEnv({ IM_DUMMY_CPU: '400', IM_DUMMY_MEMORY: '2048' }) }, async (m) => {
      const started = await m.start();
      assert.deepEqual(started.failed, []);
      assert.equal(new Set(Object.values(m.pids())).size, 4);
      const monitored: DriverReply[] = [];
      const all: DriverReply[] = [];
      m.monitoring$.subscribe((r) => monitored.push(r));
      m.replies$.subscribe((r) => all.push(r));

      const mon = await m.request('im_dummy', 'MONITOR', 3, ['node1']);
      assert.equal(mon.result, 'SUCCESS');
      assert.match(mon.info, /(^|,)TOTALCPU=400(,|$)/);
      assert.match(mon.info, /(^|,)TOTALMEMORY=2048(,|$)/);
      assert.deepEqual(monitored.map((r) => [r.kind, r.id, r.correlated]), [['im', 3, true]]);

      const [deploy, poll, transfer, hook] = await Promise.all([
        m.request('vmm_dummy', 'DEPLOY', 5, ['node1', '/var/5/deployment.0', '-']),
        m.request('vmm_dummy', 'POLL', 6, ['node1', 'dummy-6', '-']),
        m.request('tm_dummy', 'TRANSFER', 5, [prolog]),
        m.request('hook_exe', 'EXECUTE', 5, ['on_run', 'LOCAL', '/bin/echo', 'vm', '$VMID']),
      ]);
      assert.deepEqual([deploy.result, deploy.info], ['SUCCESS', 'dummy-5']);
      assert.match(poll.info, /^STATE=a USEDMEMORY=\d+ USEDCPU=\d+ NETTX=\d+ NETRX=\d+$/);
      assert.equal(transfer.result, 'SUCCESS');
      assert.deepEqual([hook.kind, hook.result, hook.info], ['hm', 'SUCCESS', 'on_run']);
      assert.equal(all.length, 5);
    });
  });

  it('routes LOG lines to logs$ with the VM id', async () => {
    await withManager({ mads: dummies.slice(2) }, async (m) => {
      await m.start();
      const logs: DriverLog[] = [];
      m.logs$.subscribe((l) => logs.push(l));
      await m.request('hook_exe', 'EXECUTE', 9, ['h', 'LOCAL', '/bin/echo', 'two words', 'and more']);
      assert.deepEqual(logs, [{ kind: 'hm', mad: 'hook_exe', vid: 9, text: 'Hook h: two words and more' }]);
    });
  });

  it('lets a driver run up to -t actions at once', async () => {
    const timeSix = (threads: number) => withManager({
      mads: [{ name: 'vmm', kind: 'vmm', executable: 'one_vmm_dummy', arguments: `-t ${threads}` }],
      env: driverEnv({ VMM_DUMMY_DELAY_MS: '300' }),
    }, async (m) => {
      await m.start();
      const t0 = performance.now();
      const replies = await Promise.all([1, 2, 3, 4, 5, 6].map((id) => m.request('vmm', 'DEPLOY', id, ['h', 'f', '-'])));
      assert.ok(replies.every((r) => r.result === 'SUCCESS'));
      return performance.now() - t0;
    });
    const serialised = await timeSix(2);
    const parallel = await timeSix(15);
    assert.ok(serialised >= 880, `-t 2 took ${serialised} ms, expected 3 rounds of 300 ms`);
    assert.ok(parallel < serialised - 300, `-t 15 took ${parallel} ms vs ${serialised} ms`);
  });

  it('injects failures by VM id, by rate and by host name', async () => {
    const env = driverEnv({ VMM_DUMMY_FAIL_IDS: '13', VMM_DUMMY_FAIL_ACTIONS: 'DEPLOY', TM_DUMMY_FAIL_RATE: '1', IM_DUMMY_FAIL_HOSTS: 'bad1,bad2' });
    await withManager({ mads: dummies.slice(0, 3), env }, async (m) => {
      await m.start();
      assert.deepEqual(await m.request('tm_dummy', 'TRANSFER', 1, [prolog]).then((r) => [r.result, r.info]), ['FAILURE', `Injected failure for transfer ${prolog}`]);
      assert.deepEqual((await m.request('im_dummy', 'MONITOR', 1, ['bad2'])).info, 'Could not monitor host bad2.');
      assert.equal((await m.request('im_dummy', 'MONITOR', 2, ['good'])).result, 'SUCCESS');
      assert.equal((await m.request('vmm_dummy', 'DEPLOY', 13, ['h', 'f', '-'])).result, 'FAILURE');
      assert.equal((await m.request('vmm_dummy', 'DEPLOY', 14, ['h', 'f', '-'])).result, 'SUCCESS');
      assert.equal((await m.request('vmm_dummy', 'SHUTDOWN', 13, ['h', 'dummy-13', '-'])).result, 'SUCCESS');
    });
  });

  it('streams every settled request on requests$ with its time, timeouts and unknown drivers included', async () => {
    await withManager({ mads: [dummies[1]], env: driverEnv({ VMM_DUMMY_FAIL_IDS: '13', VMM_DUMMY_FAIL_ACTIONS: 'DEPLOY', VMM_DUMMY_DELAY_CANCEL_MS: '400' }) }, async (m) => {
      await m.start();
      const done: DriverRequestDone[] = [];
      m.requests$.subscribe((r) => done.push(r));
      await m.request('vmm_dummy', 'DEPLOY', 13, ['h', 'f', '-']);
      await m.request('vmm_dummy', 'CANCEL', 14, ['h', 'dummy-14', '-'], { timeoutMs: 100 });
      await m.request('no_such_mad', 'POLL', 15, ['h', 'x', '-']);
      await waitUntil(() => done.length === 3, 2000, 'three settled requests');
      assert.deepEqual(done.map((r) => [r.mad, r.verb, r.result]), [
        ['vmm_dummy', 'DEPLOY', 'FAILURE'], ['vmm_dummy', 'CANCEL', 'FAILURE'], ['no_such_mad', 'POLL', 'FAILURE'],
      ]);
      // Node's timers run on the event loop's cached millisecond clock, so performance.now() can
      // see a 100 ms timer fire a fraction of a millisecond early (99.8 ms was seen in CI).
      assert.ok(done[1]!.seconds >= 0.098 && done[1]!.seconds < 1, `a timeout of 100 ms took ${done[1]!.seconds} s`);
    });
  });

  it('turns a hung request into a FAILURE, cancels it in the driver, and drops the late reply', async () => {
    await withManager({ mads: [dummies[1]], env: driverEnv({ VMM_DUMMY_DELAY_DEPLOY_MS: '60000' }) }, async (m, log) => {
      await m.start();
      const logs: DriverLog[] = [];
      m.logs$.subscribe((l) => logs.push(l));
      const reply = await m.request('vmm_dummy', 'DEPLOY', 4, ['h', 'f', '-'], { timeoutMs: 300 });
      assert.deepEqual([reply.result, reply.origin, reply.id], ['FAILURE', 'manager', 4]);
      assert.match(reply.info, /Timeout: driver vmm_dummy did not answer DEPLOY within 300 ms/);
      assert.ok(log.has('E', /no reply to DEPLOY 4/));
      await waitUntil(() => logs.some((l) => l.vid === 4 && /cancelled/.test(l.text)), 5000, 'DRIVER_CANCEL log');
      assert.equal((await m.request('vmm_dummy', 'POLL', 4, ['h', 'dummy-4', '-'])).result, 'SUCCESS');
    });
  });

  it('settles the requests of a cancelled id at once, so the next request for it gets its own reply', async () => {
    await withManager({ mads: [dummies[1]], env: driverEnv({ VMM_DUMMY_DELAY_DEPLOY_MS: '60000' }) }, async (m) => {
      await m.start();
      const deploy = m.request('vmm_dummy', 'DEPLOY', 8, ['h', 'f', '-']);
      // The driver reads its lines in order: once a later POLL is answered, the DEPLOY is running.
      assert.equal((await m.request('vmm_dummy', 'POLL', 9, ['h', 'dummy-9', '-'])).result, 'SUCCESS');
      assert.equal(m.notify('vmm_dummy', 'DRIVER_CANCEL 8'), true);
      const cancelled = await deploy;
      assert.deepEqual([cancelled.result, cancelled.origin], ['FAILURE', 'manager']);
      assert.match(cancelled.info, /DEPLOY 8 cancelled/);
      const cancel = await m.request('vmm_dummy', 'CANCEL', 8, ['h', 'dummy-8', '-']);
      assert.deepEqual([cancel.verb, cancel.result, cancel.origin], ['CANCEL', 'SUCCESS', 'driver']);
    });
  });

  it('restarts a driver killed mid-request and re-sends what was in flight', async () => {
    await withManager({ mads: [dummies[1]], env: driverEnv({ VMM_DUMMY_DELAY_DEPLOY_MS: '4000' }) }, async (m, log) => {
      await m.start();
      const before = m.pids().vmm_dummy!;
      const pending = [1, 2, 3].map((id) => m.request('vmm_dummy', 'DEPLOY', id, ['h', 'f', '-']));
      // The driver reads its lines in order: once a later (instant) POLL is answered, the DEPLOYs are running.
      assert.equal((await m.request('vmm_dummy', 'POLL', 9, ['h', 'dummy-9', '-'])).result, 'SUCCESS');
      process.kill(before, 'SIGKILL');
      const replies = await Promise.all(pending);
      assert.deepEqual(replies.map((r) => [r.result, r.origin, r.info]), [1, 2, 3].map((id) => ['SUCCESS', 'driver', `dummy-${id}`]));
      const afterPid = m.pids().vmm_dummy;
      assert.ok(afterPid !== undefined && afterPid !== before && isAlive(afterPid));
      assert.ok(log.has('E', /driver vmm_dummy exited \(code null, signal SIGKILL\); restart 1\/5, 3 request\(s\) to re-send/));
    });
  });

  it('fails every in-flight request clearly when the driver cannot be restarted', async () => {
    const marker = `${tmp.dir}/started-once`;
    const exe = tmp.script('crashy', `
if [ -e '${marker}' ]; then read -r _; echo "INIT FAILURE - hypervisor gone"; exit 1; fi
touch '${marker}'
read -r _; echo "INIT SUCCESS - -"
read -r _; exit 3`);
    await withManager({ mads: [{ name: 'crashy', kind: 'vmm', executable: exe }], maxRestarts: 2 }, async (m, log) => {
      await m.start();
      const reply = await m.request('crashy', 'DEPLOY', 8, ['h', 'f', '-']);
      assert.deepEqual([reply.result, reply.origin], ['FAILURE', 'manager']);
      assert.match(reply.info, /Driver crashy crashed and could not be restarted/);
      assert.ok(log.has('E', /restart failed: driver answered INIT FAILURE: hypervisor gone/));
      const next = await m.request('crashy', 'POLL', 8, ['h', 'x', '-']);
      assert.match(next.info, /could not be restarted/);
    });
  });

  it('tries again a driver that did not answer INIT in time (a starved machine), and serves the requests that waited', async () => {
    const marker = `${tmp.dir}/slow-once`;
    const exe = tmp.script('slowstart', `
if [ ! -e '${marker}' ]; then touch '${marker}'; exec sleep 10; fi
read -r _; echo "INIT SUCCESS - -"
while read -r verb id rest; do echo "$verb SUCCESS $id done"; done`);
    await withManager({ mads: [{ name: 'slowstart', kind: 'vmm', executable: exe }], initTimeoutMs: 300 }, async (m, log) => {
      const started = await m.start();
      assert.deepEqual(started.failed, [{ name: 'slowstart', reason: 'no answer to INIT within 300 ms; trying again' }]);
      assert.equal(m.has('slowstart'), true);
      const reply = await m.request('slowstart', 'DEPLOY', 4, ['h', 'f', '-']);
      assert.deepEqual([reply.result, reply.origin, reply.info], ['SUCCESS', 'driver', 'done']);
      assert.ok(log.has('E', /driver slowstart did not start \(no answer to INIT within 300 ms\); restart 1\/5/));
    });
  });

  it('rejects a driver that answers INIT FAILURE, and fails its requests at once', async () => {
    const exe = tmp.script('refuser', 'read -r _; echo "INIT FAILURE - no hypervisor here"; sleep 5');
    const mads: MadConfig[] = [{ name: 'refuser', kind: 'im', executable: exe }, dummies[0], { name: 'ghost', kind: 'vmm', executable: 'no_such_driver' }];
    await withManager({ mads }, async (m, log) => {
      const started = await m.start();
      assert.deepEqual(started.started, ['im_dummy']);
      assert.deepEqual(started.failed[0], { name: 'refuser', reason: 'driver answered INIT FAILURE: no hypervisor here' });
      assert.match(started.failed[1].reason, /^cannot run \S+\/bin\/no_such_driver: spawn \S+ ENOENT$/);
      assert.ok(log.has('E', /refuser failed to start/));
      const reply = await m.request('refuser', 'MONITOR', 1, ['h']);
      assert.equal(reply.result, 'FAILURE');
      assert.deepEqual([m.has('refuser'), m.has('im_dummy'), m.has('nosuch')], [false, true, false]);
      assert.equal((await m.request('nosuch', 'MONITOR', 1, ['h'])).info, 'no driver named nosuch');
      assert.equal((await m.request('im_dummy', 'MONITOR', 1, ['x; touch /tmp/pwned'])).result, 'FAILURE');
    });
  });

  it('logs and drops garbage from a driver without crashing or restarting it', async () => {
    const exe = tmp.script('noisy', `
read -r _; echo "INIT SUCCESS - -"
while read -r verb id rest; do
  echo "this is not protocol"
  echo "PING MAYBE $id"
  echo "PING SUCCESS notanumber"
  head -c 1200000 /dev/zero | tr '\\0' x; echo
  echo "LOG - $id still alive"
  echo "$verb SUCCESS $id pong"
done`);
    await withManager({ mads: [{ name: 'noisy', kind: 'tm', executable: exe }] }, async (m, log) => {
      await m.start();
      const pid = m.pids().noisy;
      const logs: DriverLog[] = [];
      m.logs$.subscribe((l) => logs.push(l));
      const reply = await m.request('noisy', 'PING', 2);
      assert.deepEqual([reply.result, reply.info], ['SUCCESS', 'pong']);
      const dropped = log.entries.filter((e) => e.level === 'W' && /dropped bad line/.test(e.message));
      assert.equal(dropped.length, 4);
      assert.ok(dropped.some((e) => /longer than/.test(e.message)));
      assert.ok(dropped.every((e) => e.message.length < 400));
      assert.deepEqual(logs, [{ kind: 'tm', mad: 'noisy', vid: 2, text: 'still alive' }]);
      assert.equal(m.pids().noisy, pid);
    });
  });

  it('publishes a reply that arrives after its timeout as uncorrelated', async () => {
    const exe = tmp.script('sluggish', `
read -r _; echo "INIT SUCCESS - -"
while read -r verb id rest; do sleep 0.4; echo "$verb SUCCESS $id late"; done`);
    await withManager({ mads: [{ name: 'sluggish', kind: 'im', executable: exe }] }, async (m) => {
      await m.start();
      const seen: DriverReply[] = [];
      m.replies$.subscribe((r) => seen.push(r));
      const reply = await m.request('sluggish', 'MONITOR', 6, ['h'], { timeoutMs: 50 });
      assert.deepEqual([reply.result, reply.origin, reply.correlated], ['FAILURE', 'manager', true]);
      await waitUntil(() => seen.length === 2, 5000, 'late reply');
      assert.deepEqual([seen[1].result, seen[1].info, seen[1].origin, seen[1].correlated], ['SUCCESS', 'late', 'driver', false]);
    });
  });

  it('SIGKILLs a driver that ignores FINALIZE and SIGTERM', async () => {
    const exe = tmp.script('stubborn', `trap '' TERM
read -r _; echo "INIT SUCCESS - -"
while true; do read -r -t 0.1 _ || sleep 0.1; done`);
    const m = new DriverManager({ binDir, env: driverEnv(), mads: [{ name: 'stubborn', kind: 'tm', executable: exe }], stopGraceMs: 200 });
    await m.start();
    const pid = m.pids().stubborn;
    assert.ok(isAlive(pid));
    const t0 = performance.now();
    await m.stop();
    assert.equal(isAlive(pid), false);
    assert.ok(performance.now() - t0 < 3000);
  });

  it('settles every pending request when stopped', async () => {
    const logger = new MemoryLogger();
    const m = new DriverManager({ binDir, logger, env: driverEnv({ VMM_DUMMY_DELAY_MS: '30000' }), mads: [dummies[1]], stopGraceMs: 500 });
    await m.start();
    const pid = m.pids().vmm_dummy;
    const pending = m.request('vmm_dummy', 'SHUTDOWN', 1, ['h', 'd', '-']);
    await m.stop();
    const reply = await pending;
    assert.deepEqual([reply.result, reply.info], ['FAILURE', 'driver vmm_dummy stopped']);
    assert.equal(isAlive(pid), false);
  });
});
