import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sessionOf, sha1hex } from '../../src/rpc/one-auth.ts';
import { XmlRpcClient } from '../../src/rpc/client.ts';
import { freePort } from './free-port.ts';

export const REPO = resolve(import.meta.dirname, '../..');

export interface OnedOptions {
  /** Extra oned.conf lines, appended after the defaults below. */
  readonly conf?: string;
  /** Extra environment for oned and its drivers (dummy driver knobs, ssh settings…). */
  readonly env?: NodeJS.ProcessEnv;
  /** Reuse an existing ONE_LOCATION (to restart on the same var dir). */
  readonly location?: string;
  /** Listen on this port (a restart that clients such as mm_sched must find again); default a free one. */
  readonly port?: number;
  /** How long oned may take to listen (default 90 s). */
  readonly startTimeoutMs?: number;
  /** Extra oned arguments after `-f` (e.g. `--rebuild`). */
  readonly args?: readonly string[];
}

/** A self-contained install (spec §11.5) in a temp dir, with the repo's bin/ and lib/ linked in. */
export function makeLocation(conf: string): string {
  const location = mkdtempSync(join(tmpdir(), 'one-ts-'));
  cpSync(join(REPO, 'etc'), join(location, 'etc'), { recursive: true });
  symlinkSync(join(REPO, 'bin'), join(location, 'bin'));
  symlinkSync(join(REPO, 'lib'), join(location, 'lib'));
  mkdirSync(join(location, 'var'));
  writeFileSync(join(location, 'etc', 'oned.conf'), conf);
  writeFileSync(join(location, 'one_auth'), 'oneadmin:secret\n');
  return location;
}

export function dummyConf(port: number, extra = ''): string {
  return `
HOST_MONITORING_INTERVAL = 1
VM_POLLING_INTERVAL = 1
PORT = ${port}
LISTEN_ADDRESS = 127.0.0.1
DEBUG_LEVEL = 3
NETWORK_SIZE = 254
MAC_PREFIX = "00:01"
DRIVER_TIMEOUT = 30
IM_MAD = [ name = "im_dummy", executable = "one_im_dummy", arguments = "" ]
VM_MAD = [ name = "vmm_dummy", executable = "one_vmm_dummy", type = "dummy" ]
TM_MAD = [ name = "tm_dummy", executable = "one_tm_dummy", arguments = "" ]
${extra}
`;
}

/** The last lines of oned.log, to tell a slow start from a stuck one. */
function logTail(location: string): string {
  const log = join(location, 'var', 'oned.log');
  return existsSync(log) ? `oned.log ends with:\n${readFileSync(log, 'utf8').split('\n').slice(-8).join('\n')}` : 'no oned.log';
}

/** One running oned: its client, its session, and a stop that waits for the process to exit. */
export class Oned {
  readonly client: XmlRpcClient;
  readonly session = sessionOf({ user: 'oneadmin', password: 'secret' });

  private constructor(
    readonly location: string,
    readonly port: number,
    readonly process: ChildProcess,
    readonly env: NodeJS.ProcessEnv,
  ) {
    this.client = new XmlRpcClient(`http://127.0.0.1:${port}/RPC2`, { timeoutMs: 30_000 });
  }

  static async start(options: OnedOptions = {}): Promise<Oned> {
    const location = options.location ?? makeLocation(dummyConf(0, options.conf));
    // Drivers at the tests' own priority (as the driver integration tests run them): at the
    // shipped nice 19, a busy machine (the suite itself, or a CPU hog) starves them; one needs
    // about a second of CPU to start, and took over 15 s to answer INIT under a hog.
    const env = { PRIORITY: '0', ...process.env, ...options.env, ONE_LOCATION: location, ONE_AUTH: join(location, 'one_auth') };
    // Another process may take the chosen port between the check and oned's bind: then oned
    // says so and stops, and it is started again on another port.
    for (let attempt = 1; ; attempt++) {
      const port = attempt === 1 && options.port !== undefined ? options.port : await freePort();
      const conf = readFileSync(join(location, 'etc', 'oned.conf'), 'utf8').replace(/^PORT = \d+$/m, `PORT = ${port}`);
      writeFileSync(join(location, 'etc', 'oned.conf'), conf);
      const child = spawn(join(REPO, 'bin', 'oned'), ['-f', ...(options.args ?? [])], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      // Generous: a cold start on a loaded 2-core machine (the whole suite, tsx compiling on a
      // clean clone) has taken over 30 s; a hung start still fails, with oned.log's last lines.
      const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
      for (;;) {
        if (child.exitCode !== null) {
          if (/already in use/.test(stderr) && attempt < 5) break;
          throw new Error(`oned exited with ${child.exitCode}: ${stderr}`);
        }
        // Listening, and it is this oned that listens (it writes its pid file once it does).
        if ((await canConnect(port)) && pidFileHolds(location, child.pid!)) return new Oned(location, port, child, env);
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`oned did not listen on ${port} within ${options.startTimeoutMs ?? 90_000} ms: ${stderr}\n${logTail(location)}`);
        }
        // Short steps: bench/crash measures restart time from here (spawn to first answer).
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  /** Calls a method with the oneadmin session first; returns the `[ok, value, code]` triple. */
  async call(method: string, ...params: unknown[]): Promise<[boolean, unknown, number]> {
    return (await this.client.call(method, [this.session, ...(params as never[])])) as [boolean, unknown, number];
  }

  /** `call` that must succeed; returns the value. */
  async ok(method: string, ...params: unknown[]): Promise<unknown> {
    const [ok, value, code] = await this.call(method, ...params);
    if (!ok) throw new Error(`${method} failed (${code}): ${value}`);
    return value;
  }

  /** Stops oned with SIGTERM and waits for the process (and so its drivers) to go. */
  /** Whether oned has exited already (its 'exit' event would never come again). */
  private get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((r) => this.process.once('exit', r));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  /** SIGKILL: a crash, for restart-convergence tests. */
  async crash(): Promise<void> {
    if (this.exited) return; // e.g. a standby that stepped down by itself
    const exited = new Promise((r) => this.process.once('exit', r));
    this.process.kill('SIGKILL');
    await exited;
  }

  remove(): void {
    rmSync(this.location, { recursive: true, force: true });
  }

  log(): string {
    return readFileSync(join(this.location, 'var', 'oned.log'), 'utf8');
  }
}

/**
 * Runs `oned -f args…` on an existing ONE_LOCATION that is expected not to
 * start: resolves with its exit code and stderr once it exits (killed by pid
 * after 30 s should it run after all).
 */
export function onedExpectingFailure(location: string, args: readonly string[] = []): Promise<CliRun> {
  const env = { ...process.env, ONE_LOCATION: location, ONE_AUTH: join(location, 'one_auth') };
  const child = spawn(join(REPO, 'bin', 'oned'), ['-f', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((done) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    }),
  );
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function pidFileHolds(location: string, pid: number): boolean {
  try {
    return Number.parseInt(readFileSync(join(location, 'var', 'oned.pid'), 'utf8'), 10) === pid;
  } catch {
    return false;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

export { sha1hex };

/** What one CLI run printed and how it exited. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment the CLI tools need to reach `one` as oneadmin (spec §10). */
export function cliEnv(one: Oned, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? one.location,
    ONE_XMLRPC: `http://127.0.0.1:${one.port}/RPC2`,
    ONE_AUTH: join(one.location, 'one_auth'),
    ...extra,
  };
}

/** Runs `bin/<tool> args…` against `one` and waits for it to exit (stdin closed, or fed `input`). */
export function runCli(one: Oned, tool: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(join(REPO, 'bin', tool), [...args], { env: cliEnv(one, options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', (err) => (clearTimeout(timer), fail(err)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
    child.stdin!.end(options.input ?? '');
  });
}

/** Every committed event so far (`one.event.poll` from seq 0, no waiting). */
export async function allEvents(one: Oned): Promise<{ seq: number; stream: string; event: { type: string } & Record<string, unknown> }[]> {
  const out: { seq: number; stream: string; event: { type: string } & Record<string, unknown> }[] = [];
  for (;;) {
    const after = out.length === 0 ? 0 : out[out.length - 1]!.seq;
    const batch = JSON.parse(String(await one.ok('one.event.poll', after, 10_000, 0))) as typeof out;
    out.push(...batch);
    if (batch.length < 10_000) return out;
  }
}

/**
 * Runs a Python script (python3, standard library only) and resolves with
 * its stdout; rejects with its stderr on a non-zero exit. The child is
 * killed (by pid) if it outlives `timeoutMs`.
 */
export function runPython(script: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`python3 ${script} exited ${code ?? signal}: ${stderr}`));
    });
  });
}
