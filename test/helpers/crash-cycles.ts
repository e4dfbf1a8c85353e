/**
 * Whole-process crash cycles, shared by test/e2e/crash-restart.test.ts and
 * bench/crash.ts: a real oned with dummy drivers, a small SNAPSHOT_INTERVAL
 * and a 1 s checkpoint timer; a few concurrent clients allocate VMs, hosts,
 * networks and users and act on them; at a random moment (seeded) oned gets
 * SIGKILL (every `cleanStopEvery`-th cycle a clean SIGTERM instead); it is
 * started again and the ledger checks every acknowledged write.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { XmlRpcClient } from '../../src/rpc/client.ts';
import { sha1hex } from '../../src/rpc/one-auth.ts';
import { CrashLedger, passwordFor, type Kind, type Phase, type Problem, type Tracked } from './crash-ledger.ts';
import { Oned } from './oned-harness.ts';
import { pickOne, seededRandom } from './seeded-random.ts';

export interface CrashCyclesOptions {
  readonly cycles: number;
  readonly seed: number;
  readonly clients?: number;
  /** How long the churn runs before the kill, ms: uniform in [min, max]. */
  readonly churnMs?: readonly [number, number];
  readonly cleanStopEvery?: number;
  /** Progress lines (stderr in the bench, diagnostics in the test). */
  readonly progress?: (line: string) => void;
}

export interface CrashCyclesResult {
  readonly kills: number;
  readonly cleanStops: number;
  readonly acknowledged: number;
  readonly problems: readonly Problem[];
  /** Per restart: spawn until the first answered call, seconds. */
  readonly restartS: readonly number[];
  /** Per restart: M of oned.log's "Rebuilt N entities from M events". */
  readonly eventsReplayed: readonly number[];
  /** Per restart: the log's last seq when oned was started, to compare with eventsReplayed. */
  readonly logEvents: readonly number[];
  /** Refused calls by error code (expected: 0x800 for a shutdown before RUNNING). */
  readonly refusals: Readonly<Record<string, number>>;
  /** Kept when something was lost, for a post-mortem; removed otherwise. */
  readonly location?: string;
}

const CONF = 'SNAPSHOT_INTERVAL = 5\nCHECKPOINT_INTERVAL = 1';
/** Slow enough that kills land in PROLOG and BOOT too (restart re-issues them). */
const ENV = { TM_DUMMY_DELAY_MS: '50', VMM_DUMMY_DELAY_MS: '50' };

export async function runCrashCycles(options: CrashCyclesOptions): Promise<CrashCyclesResult> {
  const { cycles, seed, clients = 3, churnMs = [100, 900], cleanStopEvery = 5, progress = () => {} } = options;
  const rng = seededRandom(seed);
  const ledger = new CrashLedger();
  const refusals: Record<string, number> = {};
  const restartS: number[] = [];
  const eventsReplayed: number[] = [];
  const logEvents: number[] = [];
  let [kills, cleanStops] = [0, 0];
  let one = await Oned.start({ conf: CONF, env: ENV });
  let stderr = capture(one);
  // Should this process end early (a test timeout), the oned it started must not outlive it.
  const killOnExit = () => one.process.kill('SIGKILL');
  process.on('exit', killOnExit);
  let failed = true;
  try {
    ledger.allocated('host', (await one.ok('one.host.allocate', 'node0', 'im_dummy', 'vmm_dummy', 'tm_dummy')) as number, 'node0', 'enabled', 'setup');
    for (let cycle = 0; cycle < cycles; cycle++) {
      const churn = new Churn(one, ledger, cycle, seed, clients, refusals);
      const workers = churn.start();
      await new Promise((r) => setTimeout(r, churnMs[0] + rng() * (churnMs[1] - churnMs[0])));
      const clean = cycle % cleanStopEvery === cleanStopEvery - 1;
      churn.stopping = true;
      if (clean) (await one.stop(), cleanStops++);
      else (await one.crash(), kills++);
      await workers;
      churn.close();
      logEvents.push(lastSeq(one)); // the log as the next start finds it

      const restarted = await restart(one.location);
      one = restarted.one;
      stderr = capture(one);
      restartS.push(restarted.seconds);
      eventsReplayed.push(lastRebuilt(one));
      const before = ledger.problems.length;
      await ledger.check(one, cycle);
      progress(
        `cycle ${cycle + 1}/${cycles}: ${clean ? 'SIGTERM' : 'SIGKILL'}, restart ${restartS.at(-1)!.toFixed(2)} s, ` +
          `replayed ${eventsReplayed.at(-1)} of ${logEvents.at(-1)} events, ${ledger.acknowledged} acknowledged, ` +
          `${ledger.problems.length - before} new problems`,
      );
      for (const p of ledger.problems.slice(before)) progress(`  ${p.what}: ${p.text}`);
    }
    failed = false;
  } catch (e) {
    // A call that failed because oned died says little by itself: add how it ended and what it printed.
    const { exitCode, signalCode } = one.process;
    const died = (exitCode !== null || signalCode !== null) && !String(e).includes('oned exited') ? `\noned exited (${exitCode ?? signalCode}): ${stderr()}` : '';
    throw new Error(`${e instanceof Error ? e.message : String(e)}${died}\n(seed ${seed}; ONE_LOCATION kept at ${one.location})`);
  } finally {
    await one.stop();
    process.off('exit', killOnExit);
    if (!failed && !lostSomething(ledger.problems)) one.remove();
  }
  const location = lostSomething(ledger.problems) ? one.location : undefined;
  return { kills, cleanStops, acknowledged: ledger.acknowledged, problems: ledger.problems, restartS, eventsReplayed, logEvents, refusals, location };
}

const lostSomething = (problems: readonly Problem[]) => problems.some((p) => p.what !== 'driver-failure');

/** What oned writes to stderr from now on (a crash's stack trace). */
function capture(one: Oned): () => string {
  let text = '';
  one.process.stderr!.on('data', (d: Buffer) => (text += d));
  return () => text;
}

/**
 * Starts oned again on `location`; returns it with the seconds from spawn to
 * its first answered call (the harness waits until this oned listens, and
 * starts it again on another port should another process hold ours).
 */
async function restart(location: string): Promise<{ one: Oned; seconds: number }> {
  const spawned = performance.now();
  const one = await Oned.start({ location, env: ENV, startTimeoutMs: 120_000 });
  await one.ok('one.system.version');
  return { one, seconds: (performance.now() - spawned) / 1000 };
}

/** M of the last "Rebuilt N entities from M events" in oned.log. */
const lastRebuilt = (one: Oned): number => Number([...one.log().matchAll(/Rebuilt \d+ entities from (\d+) events/g)].at(-1)![1]);

/**
 * The log's last seq, read-only: a writing connection would, on close, fold
 * the WAL that SIGKILL left into one.db, and oned's own recovery of it would
 * go untested.
 */
function lastSeq(one: Oned): number {
  const db = new Database(join(one.location, 'var', 'one.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT coalesce(max(seq), 0) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; code: number } | undefined;

/** One cycle's clients. Each call either returns (ok or refused) or is in doubt (`undefined`). */
class Churn {
  stopping = false;
  private readonly clients: XmlRpcClient[];
  private serial = 0;

  constructor(
    private readonly one: Oned,
    private readonly ledger: CrashLedger,
    private readonly cycle: number,
    private readonly seed: number,
    count: number,
    private readonly refusals: Record<string, number>,
  ) {
    this.clients = Array.from({ length: count }, () => new XmlRpcClient(`http://127.0.0.1:${one.port}/RPC2`, { maxSockets: 1, timeoutMs: 30_000 }));
  }

  start(): Promise<void> {
    return Promise.all(this.clients.map((c, k) => this.work(c, seededRandom(this.seed * 7919 + this.cycle * 31 + k), k))).then(() => {});
  }

  close(): void {
    for (const c of this.clients) c.close();
  }

  private async work(client: XmlRpcClient, rng: () => number, k: number): Promise<void> {
    while (!this.stopping) {
      const name = `c${this.cycle}-w${k}-${this.serial++}`;
      const r = rng();
      if (r < 0.3) await this.allocate(client, 'vm', name, 'pending', 'one.vm.allocate', `NAME = "${name}"\nCPU = 0.1\nMEMORY = 32`);
      else if (r < 0.65) await this.vmAction(client, rng);
      else if (r < 0.71) await this.allocate(client, 'host', name, 'enabled', 'one.host.allocate', name, 'im_dummy', 'vmm_dummy', 'tm_dummy');
      else if (r < 0.79) await this.hostToggle(client, rng);
      else if (r < 0.86) await this.allocate(client, 'vnet', name, 'exists', 'one.vn.allocate', `NAME = "${name}"\nTYPE = RANGED\nBRIDGE = br0\nNETWORK_ADDRESS = 10.${k}.0.0\nNETWORK_SIZE = C`);
      else if (r < 0.92) await this.allocate(client, 'user', name, 'exists', 'one.user.allocate', name, sha1hex(passwordFor(name)));
      else await this.passwd(client, rng);
    }
  }

  private async call(client: XmlRpcClient, method: string, params: unknown[]): Promise<Outcome> {
    try {
      const [ok, value, code] = (await client.call(method, [this.one.session, ...(params as never[])])) as [boolean, unknown, number];
      if (!ok) this.refusals[`0x${code.toString(16)} ${method}`] = (this.refusals[`0x${code.toString(16)} ${method}`] ?? 0) + 1;
      return ok ? { ok, value } : { ok, code };
    } catch {
      return undefined; // no answer: oned went away under the call
    }
  }

  private async allocate(client: XmlRpcClient, kind: Kind, name: string, phase: Phase, method: string, ...params: unknown[]): Promise<void> {
    const out = await this.call(client, method, params);
    if (out?.ok) this.ledger.allocated(kind, out.value as number, name, phase, `c${this.cycle} allocate`, kind === 'user' ? passwordFor(name) : '');
    else if (!out) this.ledger.allocationInDoubt(kind, name);
  }

  /** Calls `method` on `e` and books the effect `phase` as acknowledged or in doubt. */
  private async act(client: XmlRpcClient, e: Tracked, phase: Phase, note: string, method: string, params: unknown[], password?: string): Promise<void> {
    e.busy = true;
    const out = await this.call(client, method, params);
    e.busy = false;
    if (out?.ok) this.ledger.acted(e, phase, `c${this.cycle} ${note}`, password);
    else if (!out) this.ledger.actionInDoubt(e, phase, password);
  }

  private async vmAction(client: XmlRpcClient, rng: () => number): Promise<void> {
    const vm = this.ledger.pick('vm', ['pending', 'hold', 'deployed'], rng);
    if (!vm) return;
    const phase = [...vm.phases][0];
    if (phase === 'hold') return this.act(client, vm, 'pending', 'release', 'one.vm.action', ['release', vm.id]);
    if (phase === 'deployed') return this.act(client, vm, 'shutdown', 'shutdown', 'one.vm.action', ['shutdown', vm.id]);
    if (rng() < 0.7) return this.act(client, vm, 'deployed', 'deploy', 'one.vm.deploy', [vm.id, 0]);
    return this.act(client, vm, 'hold', 'hold', 'one.vm.action', ['hold', vm.id]);
  }

  private async hostToggle(client: XmlRpcClient, rng: () => number): Promise<void> {
    const host = this.ledger.pick('host', ['enabled', 'disabled'], rng);
    if (!host || host.id === 0) return; // VMs deploy to host 0: it stays enabled
    const enable = host.phases.has('disabled');
    await this.act(client, host, enable ? 'enabled' : 'disabled', enable ? 'enable' : 'disable', 'one.host.enable', [host.id, enable]);
  }

  private async passwd(client: XmlRpcClient, rng: () => number): Promise<void> {
    const user = this.ledger.pick('user', ['exists'], rng);
    if (!user) return;
    const password = pickOne(rng, ['p"w', "p'w;", 'p$(w)', 'p`w`\\']) + this.serial++;
    await this.act(client, user, 'exists', 'passwd', 'one.user.passwd', [user.id, sha1hex(password)], password);
  }
}
