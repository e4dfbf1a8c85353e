/**
 * `one start|stop|status` (spec §11.7): manages oned, and mm_sched once it
 * is installed. oned writes its own pid file; this script only reads it.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOnedConf } from '../config/load-oned-conf.ts';
import { resolveLayout, type Layout } from '../config/layout.ts';
import { isAlive } from './lock-file.ts';
import { varDirProblem } from './startup-checks.ts';
import { readCredentials } from '../rpc/one-auth.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readPid(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
  return Number.isFinite(pid) && isAlive(pid) ? pid : undefined;
}

/** The last line oned wrote to its output after `offset` (its one-line start-up error). */
function lastLine(path: string, offset: number): string | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path).subarray(offset).toString('utf8');
  return text.split('\n').filter((l) => l.trim() !== '').at(-1);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function daemon(layout: Layout, program: string, args: string[], logName: string, env: NodeJS.ProcessEnv = {}): number {
  const out = openSync(join(layout.log, logName), 'a');
  const child = spawn(join(layout.bin, program), args, { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...env } });
  child.unref();
  return child.pid!;
}

/** `one start [--rebuild]`: the flag goes to oned (discard the snapshots, fold the whole log). */
async function start(layout: Layout, rebuild: boolean): Promise<void> {
  let port: number, listenAddress: string;
  try {
    ({ port, listenAddress } = loadOnedConf(join(layout.etc, 'oned.conf'), layout));
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const running = readPid(join(layout.run, 'oned.pid'));
  if (running) fail(`oned is already running (pid ${running}).`);
  if (!existsSync(join(layout.var, 'one.db'))) {
    const creds = readCredentials();
    if (!creds.ok) fail(creds.message);
  }
  const varProblem = varDirProblem(layout.var);
  if (varProblem) fail(`oned: ${varProblem}`);
  const outFile = join(layout.log, 'oned.out');
  const outBefore = existsSync(outFile) ? statSync(outFile).size : 0;
  const pid = daemon(layout, 'oned', rebuild ? ['-f', '--rebuild'] : ['-f'], 'oned.out');
  // oned writes its pid file once it listens (another program may hold the port meanwhile).
  for (let waited = 0; readPid(join(layout.run, 'oned.pid')) !== pid; waited += 100) {
    if (!isAlive(pid)) fail(lastLine(outFile, outBefore) ?? `oned failed to start; see ${outFile} and ${join(layout.log, 'oned.log')}.`);
    if (waited > 30_000) fail(`oned (pid ${pid}) did not open port ${port} on ${listenAddress} within 30 s.`);
    await sleep(100);
  }
  const scheduler = join(layout.bin, 'mm_sched');
  if (existsSync(scheduler)) {
    // mm_sched finds oned where it listens; a wildcard address is reached on loopback.
    const host = ['0.0.0.0', '::', ''].includes(listenAddress) ? '127.0.0.1' : listenAddress;
    const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}/RPC2`;
    const schedOut = join(layout.log, 'sched.out');
    const schedLog = join(layout.log, 'sched.log');
    const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0);
    const [schedOutBefore, schedLogBefore] = [sizeOf(schedOut), sizeOf(schedLog)];
    const spid = daemon(layout, 'mm_sched', ['-p', String(port)], 'sched.out', { ONE_XMLRPC: endpoint });
    writeFilePid(join(layout.run, 'sched.pid'), spid);
    // mm_sched stops at once on a bad sched.conf or missing credentials, before its first log
    // line: wait for that line (or the exit) so that a failure is not reported as "started".
    for (let waited = 0; waited < 15_000 && isAlive(spid) && sizeOf(schedLog) === schedLogBefore; waited += 50) await sleep(50);
    if (!isAlive(spid)) {
      rmSync(join(layout.run, 'sched.pid'), { force: true });
      fail(`oned started (pid ${pid}, port ${port}), but the scheduler did not: ` +
        `${lastLine(schedOut, schedOutBefore) ?? `see ${schedOut}`}\nFix it and run \`one stop\`, then \`one start\`.`);
    }
    console.log(`oned started (pid ${pid}, port ${port}) and scheduler started (pid ${spid})`);
  } else {
    console.log(`oned started (pid ${pid}, port ${port})`);
  }
}

function writeFilePid(path: string, pid: number): void {
  writeFileSync(path, `${pid}\n`);
}

async function stopOne(pidFile: string, name: string): Promise<boolean> {
  const pid = readPid(pidFile);
  if (!pid) return false;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited > 15_000) {
      process.kill(pid, 'SIGKILL');
      process.stderr.write(`${name} did not stop within 15 s; killed.\n`);
      break;
    }
    await sleep(100);
  }
  rmSync(pidFile, { force: true });
  return true;
}

async function stop(layout: Layout): Promise<void> {
  const sched = await stopOne(join(layout.run, 'sched.pid'), 'mm_sched');
  const oned = await stopOne(join(layout.run, 'oned.pid'), 'oned');
  if (!oned && !sched) fail('oned is not running.');
  console.log(sched ? 'oned and scheduler stopped' : 'oned stopped');
}

/** `, leader` or `, standby (leader: …)` for front-ends sharing a PostgreSQL log (var/oned.role, written by oned). */
function roleOf(layout: Layout): string {
  let text: string;
  try {
    text = readFileSync(join(layout.run, 'oned.role'), 'utf8').trim();
  } catch {
    return '';
  }
  const [role, leader] = text.split(' ');
  return role === 'standby' ? `, standby (leader: ${leader || 'unknown'})` : role === 'leader' ? ', leader' : '';
}

function status(layout: Layout): void {
  const oned = readPid(join(layout.run, 'oned.pid'));
  const sched = readPid(join(layout.run, 'sched.pid'));
  console.log(oned ? `oned is running (pid ${oned})${roleOf(layout)}` : 'oned is not running');
  if (existsSync(join(layout.bin, 'mm_sched'))) console.log(sched ? `mm_sched is running (pid ${sched})` : 'mm_sched is not running');
  if (!oned) process.exitCode = 1;
}

const USAGE = 'Usage: one [start [--rebuild]|stop|status]\n';
const HELP = `${USAGE}
Starts and stops ONE-TS: oned (the front-end daemon) and mm_sched (the scheduler).

Commands:
  start            starts oned in the background, waits until it answers on its
                   port, then starts mm_sched; prints both pids
  start --rebuild  the same, but oned discards its snapshots and folds the
                   whole event log again
  stop             stops mm_sched, then oned (SIGTERM; SIGKILL after 15 s)
  status           says whether oned and mm_sched run (exit 1 if oned does not)

Files: $ONE_LOCATION/etc/oned.conf, var/one.db, var/oned.log (without
ONE_LOCATION, the checkout's etc/ and var/). Logs of the daemons' own output:
var/oned.out, var/sched.out.
`;

const command = process.argv[2];
if (command === '-h' || command === '--help' || command === 'help') {
  process.stdout.write(HELP);
  process.exit(0);
}
const layout = resolveLayout(process.env);
switch (command) {
  case 'start':
    await start(layout, process.argv.includes('--rebuild'));
    break;
  case 'stop':
    await stop(layout);
    break;
  case 'status':
    status(layout);
    break;
  default:
    process.stderr.write(`${USAGE}Try 'one --help'.\n`);
    process.exit(3);
}
