import { spawn, type ChildProcess } from 'node:child_process';
import { Subject } from 'rxjs';
import { LineSplitter } from './protocol/line-splitter.ts';
import type { Malformed } from './protocol/driver-message.ts';

export interface DriverProcessOptions {
  readonly executable: string;
  /** ARGUMENTS as one string; sent as a single argv element like oned 1.4 does. */
  readonly arguments?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** How long the driver may take to answer INIT. */
  readonly initTimeoutMs: number;
}

export interface DriverExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One running driver child: spawn, INIT handshake, whole-line reading,
 * FINALIZE and reaping by pid. Knows nothing about requests.
 */
export class DriverProcess {
  /** Every line after the INIT answer, or Malformed for bad framing. */
  readonly lines$ = new Subject<string | Malformed>();
  private child: ChildProcess | undefined;
  private exited: Promise<DriverExit> | undefined;
  private exitInfo: DriverExit | undefined;
  private readonly splitter = new LineSplitter();
  private initWaiter: ((line: string | Malformed) => void) | undefined;
  private spawnError: string | undefined;

  constructor(private readonly options: DriverProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  /** Resolves once INIT SUCCESS is read; rejects (and reaps the child) otherwise. */
  async start(): Promise<void> {
    const { executable, initTimeoutMs } = this.options;
    const argv = this.options.arguments ? [this.options.arguments] : [];
    const child = spawn(executable, argv, {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: this.options.env ?? process.env,
      cwd: this.options.cwd,
    });
    this.child = child;
    this.exited = new Promise<DriverExit>((resolve) => {
      child.once('error', (err) => (this.spawnError = err.message)); // then 'close' follows
      // A grandchild may hold the pipes open after the driver died; don't wait for it.
      child.once('exit', () => setTimeout(() => child.stdout?.destroy(), 100).unref());
      child.once('close', (code, signal) => {
        this.exitInfo = { code, signal };
        this.flushPartial();
        this.lines$.complete();
        resolve(this.exitInfo);
      });
    });
    child.stdin?.on('error', () => undefined); // EPIPE when the driver dies; the close handler reports it
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.onData(chunk));

    const first = await new Promise<string | Malformed | DriverExit | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), initTimeoutMs);
      this.initWaiter = (line) => {
        this.initWaiter = undefined;
        clearTimeout(timer);
        resolve(line);
      };
      void this.exited!.then((exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
      this.write('INIT');
    });
    this.initWaiter = undefined;
    const failure = this.spawnError ? `cannot run ${executable}: ${this.spawnError}` : initFailure(first, initTimeoutMs);
    if (failure !== undefined) {
      await this.kill(0);
      throw first === 'timeout' && !this.spawnError ? new InitTimeoutError(failure) : new Error(failure);
    }
  }

  /** Writes one whole line; false when the driver is gone. */
  write(line: string): boolean {
    const stdin = this.child?.stdin;
    if (!this.running || !stdin || stdin.destroyed || !stdin.writable) return false;
    stdin.write(`${line}\n`);
    return true;
  }

  /** Resolves when the child has exited and its pipes are closed. */
  waitExit(): Promise<DriverExit> {
    return this.exited ?? Promise.resolve({ code: null, signal: null });
  }

  /** FINALIZE, then SIGTERM and SIGKILL by pid after `graceMs` each. */
  async stop(graceMs: number): Promise<DriverExit> {
    if (this.running) {
      this.write('FINALIZE');
      this.child?.stdin?.end();
    }
    return this.kill(graceMs);
  }

  private async kill(graceMs: number): Promise<DriverExit> {
    const child = this.child;
    if (!child || this.exitInfo) return this.waitExit();
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      if (await settlesWithin(this.waitExit(), graceMs)) break;
      if (child.pid !== undefined && this.exitInfo === undefined) {
        try {
          process.kill(child.pid, signal);
        } catch {
          // already gone: 'close' will fire
        }
      }
    }
    return this.waitExit();
  }

  private onData(chunk: string): void {
    for (const line of this.splitter.push(chunk)) this.emit(line);
  }

  private flushPartial(): void {
    for (const bad of this.splitter.end()) this.emit(bad);
  }

  private emit(line: string | Malformed): void {
    if (this.initWaiter) this.initWaiter(line);
    else this.lines$.next(line);
  }
}

/**
 * The driver said nothing to INIT in time: a starved machine (drivers run at
 * nice 19) rather than a broken driver, so it is worth another try.
 */
export class InitTimeoutError extends Error {
  override readonly name = 'InitTimeoutError';
}

function initFailure(first: string | Malformed | DriverExit | 'timeout', timeoutMs: number): string | undefined {
  if (first === 'timeout') return `no answer to INIT within ${timeoutMs} ms`;
  if (typeof first !== 'string') {
    if ('type' in first) return `bad answer to INIT: ${first.reason}`;
    return `driver exited before answering INIT (code ${first.code}, signal ${first.signal})`;
  }
  const [verb, result, ...rest] = first.split(' ');
  if (verb !== 'INIT') return `bad answer to INIT: ${first.slice(0, 200)}`;
  // `INIT FAILURE - <message>`: the `-` is the empty id field.
  if (result === 'FAILURE') return `driver answered INIT FAILURE: ${(rest[0] === '-' ? rest.slice(1) : rest).join(' ')}`;
  if (result !== 'SUCCESS') return `bad answer to INIT: ${first.slice(0, 200)}`;
  return undefined;
}

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = await Promise.race([p.then(() => true as const), timeout]);
  clearTimeout(timer);
  return done;
}
