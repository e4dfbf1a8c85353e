/**
 * oneaudit on a long log (issue 12): a log of 1,000,000 events (VM lives
 * through the real VM decider, written straight through the store), served
 * by a real oned; then, as an auditor runs them, the real tools:
 *   verify_events_per_s        `oneaudit verify` through the API (one.event.poll)
 *   verify_db_events_per_s     `oneaudit --db one.db verify` on the file
 *   export_events_per_s        `oneaudit export` through the API, to a file
 *   python_verify_events_per_s test/e2e/python/verify_export.py on that export
 *   replay_at_middle_s         `oneaudit replay --at <middle seq>` (tables to a file)
 * Each time includes the tool's start-up. `replay --at` folds from the first
 * event: the server keeps only the latest snapshot of each stream, so there
 * is no checkpoint to start a past state from (replay_at_middle_with_checkpoints_s
 * is not reported).
 *   node --import tsx bench/audit.ts [--small]
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { userDecider } from '../src/machines/user/user-decider.ts';
import { openEventLog } from '../src/store/sqlite-event-log.ts';
import { cliEnv, makeLocation, Oned, REPO } from '../test/helpers/oned-harness.ts';
import { dummyOnedConf } from './lib/dummy-oned-conf.ts';
import { history } from './lib/rebuild-vms.ts';
import { isSmallRun, perSecond, printReport } from './lib/report.ts';

const small = isSmallRun();
const TARGET_EVENTS = small ? 20_000 : 1_000_000;
const USERS = 100;

/** Users (their password hashes as secrets) and VM lives until the log holds `target` events. */
async function writeLog(file: string, target: number): Promise<number> {
  const log = openEventLog(file);
  let events = 0;
  for (let uid = 1; uid <= USERS; uid++) {
    const d = userDecider.decide(userDecider.initialState, { type: 'AllocateUser', uid, name: `user${uid}`, passwordHash: `scrypt$16384$8$1$${'s'.repeat(22)}$${'h'.repeat(43)}` });
    if (!d.ok) throw new Error(d.error.message);
    await log.append([{ stream: `user/${uid}`, expectedVersion: 0, events: d.events }], { uid: 0, cause: 'one.user.allocate' });
    events += d.events.length;
  }
  for (let vid = 0; events < target; vid += 1000) {
    const group: Promise<unknown>[] = [];
    for (let v = vid; v < vid + 1000 && events < target; v++) {
      const e = history(v).slice(0, target - events);
      events += e.length;
      group.push(log.append([{ stream: `vm/${v}`, expectedVersion: 0, events: e }], { uid: (v % USERS) + 1, cause: 'one.vm.allocate' }));
    }
    await Promise.all(group);
  }
  await log.close();
  return events;
}

/** Runs a tool to completion, stdout to `out` (a file, or ignored); resolves with the seconds it took. */
function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv, out?: string): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env, stdio: ['ignore', out ? 'pipe' : 'ignore', 'pipe'] });
    if (out) child.stdout!.pipe(createWriteStream(out));
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolve((performance.now() - start) / 1000) : reject(new Error(`${command} ${args.join(' ')}: exit ${code}: ${stderr}`))));
  });
}

/** CPU seconds a process has used (utime + stime, in USER_HZ = 1/100 s). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/**
 * Waits until oned uses under 5 % of a core over 2 s (after a start on a long log it writes
 * its snapshots first), or 30 s at most: it never idles fully, since it polls the log's
 * ~110,000 RUNNING VMs (VM_POLLING_INTERVAL = 300 s).
 */
async function untilIdle(pid: number): Promise<void> {
  const start = performance.now();
  for (let before = cpuSeconds(pid); performance.now() - start < 30_000; ) {
    await new Promise((r) => setTimeout(r, 2000));
    const now = cpuSeconds(pid);
    if (now - before < 0.1) break;
    before = now;
  }
  console.error(`oned idle after ${((performance.now() - start) / 1000).toFixed(1)} s more`);
}

const location = makeLocation(dummyOnedConf(10, 60));
const dbFile = join(location, 'var', 'one.db');
// oned creates oneadmin (user/0) on its first start; the rest is appended after it stops.
await (await Oned.start({ location })).stop();
let start = performance.now();
const written = await writeLog(dbFile, TARGET_EVENTS);
console.error(`log: ${written} events written in ${((performance.now() - start) / 1000).toFixed(1)} s, ${(statSync(dbFile).size / 1e6).toFixed(0)} MB`);
start = performance.now();
const one = await Oned.start({ location, startTimeoutMs: 600_000 });
console.error(`oned started on it in ${((performance.now() - start) / 1000).toFixed(1)} s`);
await untilIdle(one.process.pid!);
try {
  const env = cliEnv(one);
  const oneaudit = join(REPO, 'bin', 'oneaudit');
  const events = Number(await one.ok('one.event.tip')); // oned added its own (oneadmin)
  const verifyS = await timed(oneaudit, ['verify'], env);
  console.error(`oneaudit verify: ${events} events in ${verifyS.toFixed(2)} s`);
  const verifyDbS = await timed(oneaudit, ['--db', dbFile, 'verify'], env);
  console.error(`oneaudit --db verify: ${verifyDbS.toFixed(2)} s`);
  const exportFile = join(location, 'export.jsonl');
  const exportS = await timed(oneaudit, ['export'], env, exportFile);
  console.error(`oneaudit export: ${exportS.toFixed(2)} s, ${(statSync(exportFile).size / 1e6).toFixed(0)} MB`);
  const pythonS = await timed('python3', [join(REPO, 'test', 'e2e', 'python', 'verify_export.py'), exportFile], env);
  console.error(`verify_export.py: ${pythonS.toFixed(2)} s`);
  const replayS = await timed(oneaudit, ['replay', '--at', String(Math.floor(events / 2))], env, join(location, 'replay.txt'));
  console.error(`oneaudit replay --at ${Math.floor(events / 2)}: ${replayS.toFixed(2)} s`);
  printReport('audit', { events, users: USERS }, {
    verify_events_per_s: perSecond(events, verifyS * 1000),
    verify_db_events_per_s: perSecond(events, verifyDbS * 1000),
    export_events_per_s: perSecond(events, exportS * 1000),
    python_verify_events_per_s: perSecond(events, pythonS * 1000),
    replay_at_middle_s: Math.round(replayS * 100) / 100,
  });
} finally {
  await one.stop();
  one.remove();
}
