import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, waitFor, type Oned } from './oned-harness.ts';

/**
 * One mm_sched process against a test oned: started from the repo's bin/,
 * with the oned's ONE_LOCATION (so etc/sched.conf and var/sched.log are the
 * test's own), stopped by its pid.
 */
export class Scheduler {
  private constructor(
    readonly process: ChildProcess,
    readonly location: string,
    /** The oned endpoint it was given. */
    readonly endpoint: string,
    private readonly output: { text: string },
  ) {}

  /** `conf` replaces etc/sched.conf; resolves once the scheduler has synchronised with oned. */
  static async start(oned: Oned, options: { conf?: string; args?: readonly string[] } = {}): Promise<Scheduler> {
    if (options.conf !== undefined) writeFileSync(join(oned.location, 'etc', 'sched.conf'), options.conf);
    const syncsBefore = countSyncs(oned.location);
    const endpoint = `http://127.0.0.1:${oned.port}/RPC2`;
    const child = spawn(join(REPO, 'bin', 'mm_sched'), [...(options.args ?? [])], {
      env: { ...oned.env, ONE_XMLRPC: endpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { text: '' };
    child.stdout!.on('data', (d) => (output.text += d));
    child.stderr!.on('data', (d) => (output.text += d));
    const scheduler = new Scheduler(child, oned.location, endpoint, output);
    await waitFor('mm_sched to synchronise with oned', () => {
      if (child.exitCode !== null) throw new Error(`mm_sched exited with ${child.exitCode}: ${output.text}`);
      return countSyncs(oned.location) > syncsBefore;
    }, 60_000);
    return scheduler;
  }

  /** What the process printed on stdout and stderr. */
  get printed(): string {
    return this.output.text;
  }

  log(): string {
    const file = join(this.location, 'var', 'sched.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  async stop(): Promise<void> {
    await this.end('SIGTERM');
  }

  /** SIGKILL: a crash in the middle of whatever it was doing. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((r) => this.process.once('exit', r));
    this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

function countSyncs(location: string): number {
  const file = join(location, 'var', 'sched.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('Synchronizing with oned').length - 1 : 0;
}
