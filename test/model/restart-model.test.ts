/**
 * The restart proof (issue "The log survives every restart"): random runs of
 * API-level operations (allocate VMs, hosts, networks and users; VM and host
 * actions; password changes; driver replies), checkpoints (the timer, the
 * SNAPSHOT_INTERVAL trigger, a clean stop), crashes and restarts, on a real
 * SQLite file and on a real PostgreSQL database (fewer runs), through the
 * real services. After every restart:
 * - every entity equals what the runtime held before it went down (every
 *   acknowledged write is visible), and equals a from-scratch fold of the
 *   whole log with the snapshots ignored;
 * - no id is ever handed out twice.
 *
 * Re-run a failure with the seed and path it prints:
 *   FC_SEED=<seed> FC_PATH=<path> node --import tsx --test test/model/restart-model.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ActorSystem } from '../../src/actors/actor-system.ts';
import type { StreamKind } from '../../src/events/envelope.ts';
import { openPostgresEventLog } from '../../src/store/postgres-event-log.ts';
import { PgCluster } from '../helpers/pg-cluster.ts';
import { fcRunParams } from './support/fc-run-params.ts';
import { DECIDERS, sqliteLog, startCoreRuntime, type CoreRuntime, type LogOpener } from './support/core-runtime.ts';

const KINDS: readonly StreamKind[] = ['vm', 'host', 'vnet', 'user', 'hook'];
const ACTIONS = ['shutdown', 'hold', 'release', 'stop', 'cancel', 'suspend', 'resume', 'restart', 'finalize', 'resubmit'] as const;
const HASH = (n: number) => `scrypt$test$${String(n).padStart(12, '0')}`; // stored as given: the services do not hash

/** What the test knows about the run: acknowledged ids per kind, and the clock. */
interface Model {
  readonly acknowledged: Record<'vm' | 'host' | 'vnet' | 'user', Set<number>>;
  now: number;
  restarts: number;
}

interface Real {
  location: string;
  runtime: CoreRuntime;
  /** The run's log (the same one at every restart). */
  openLog: LogOpener;
}

/** Every entity as (stream, version, state): what the log must give back. */
function entitiesOf(system: ActorSystem): unknown[] {
  return KINDS.flatMap((kind) => system.all(kind).map((a) => [a.stream, a.version, JSON.parse(JSON.stringify(a.state))]));
}

function pick<T>(items: readonly T[], choice: number): T | undefined {
  return items.length === 0 ? undefined : items[choice % items.length];
}

/** Records an acknowledged allocation, refusing an id that was handed out before. */
function acknowledge(m: Model, kind: keyof Model['acknowledged'], r: { ok: boolean; value?: unknown }): void {
  if (!r.ok) return;
  const id = r.value as number;
  assert.ok(!m.acknowledged[kind].has(id), `${kind} id ${id} handed out twice`);
  m.acknowledged[kind].add(id);
}

type Cmd = fc.AsyncCommand<Model, Real>;

const api = (label: string, run: (m: Model, r: CoreRuntime) => Promise<void>): Cmd => ({
  check: () => true,
  async run(m, real) {
    m.now += 7;
    await run(m, real.runtime);
    await real.runtime.settle();
  },
  toString: () => label,
});

const allocateVm = (uid: number, withNic: boolean): Cmd =>
  api(`allocateVm(${uid}, nic=${withNic})`, async (m, r) => {
    const owner = pick([...m.acknowledged.user], uid) ?? 0;
    const nic = withNic ? 'NIC = [ NETWORK = "lan" ]\n' : '';
    acknowledge(m, 'vm', await r.core.allocateVm(owner, `NAME = vm${m.now}\nCPU = 0.5\nMEMORY = 64\n${nic}`));
  });

const allocateHost = (): Cmd =>
  api('allocateHost', async (m, r) => acknowledge(m, 'host', await r.core.allocateHost(0, `node${m.now}`, 'im_dummy', 'vmm_dummy', 'tm_dummy')));

const allocateVnet = (): Cmd =>
  api('allocateVnet', async (m, r) =>
    acknowledge(m, 'vnet', await r.core.allocateVnet(0, 'NAME = lan\nTYPE = RANGED\nBRIDGE = br0\nNETWORK_ADDRESS = 10.0.0.0\nNETWORK_SIZE = 30\n')),
  );

const allocateUser = (): Cmd => api('allocateUser', async (m, r) => acknowledge(m, 'user', await r.core.allocateUser(0, `u${m.now}`, HASH(m.now))));

const deploy = (vm: number, host: number): Cmd =>
  api(`deploy(${vm}, ${host})`, async (m, r) => {
    const vid = pick([...m.acknowledged.vm], vm), hid = pick([...m.acknowledged.host], host);
    if (vid !== undefined && hid !== undefined) await r.core.deployVm(0, vid, hid);
  });

const act = (vm: number, action: (typeof ACTIONS)[number]): Cmd =>
  api(`act(${vm}, ${action})`, async (m, r) => {
    const vid = pick([...m.acknowledged.vm], vm);
    if (vid !== undefined) await r.core.actOnVm(0, vid, action);
  });

/** The scheduler's reason for a pending VM: state that snapshots and replay must keep (refused unless PENDING). */
const schedMessage = (vm: number, text: string): Cmd =>
  api(`schedMessage(${vm}, ${JSON.stringify(text)})`, async (m, r) => {
    const vid = pick([...m.acknowledged.vm], vm);
    if (vid !== undefined) await r.core.setVmSchedMessage(0, vid, text);
  });

const enableHost = (host: number, enable: boolean): Cmd =>
  api(`enableHost(${host}, ${enable})`, async (m, r) => {
    const hid = pick([...m.acknowledged.host], host);
    if (hid !== undefined) await r.core.enableHost(0, hid, enable);
  });

const deleteHost = (host: number): Cmd =>
  api(`deleteHost(${host})`, async (m, r) => {
    const hid = pick([...m.acknowledged.host], host);
    if (hid !== undefined) await r.core.deleteHost(0, hid);
  });

const setPassword = (user: number): Cmd =>
  api(`setPassword(${user})`, async (m, r) => {
    await r.core.setUserPassword(0, pick([...m.acknowledged.user], user) ?? 0, HASH(m.now));
  });

/** Answers one held driver request (the drivers' side of the protocol). */
const reply = (which: number, success: boolean): Cmd =>
  api(`reply(${which}, ${success})`, async (_m, r) => {
    if (r.held.length === 0) return;
    const [request] = r.held.splice(which % r.held.length, 1);
    const info = !success ? 'failed' : request!.verb === 'DEPLOY' ? `one-${request!.id}` : request!.verb === 'POLL' ? 'STATE=a USEDMEMORY=1024' : '';
    request!.answer({ verb: request!.verb, success, id: request!.id, info });
  });

const timerCheckpoint = (): Cmd => api('checkpoint', async (_m, r) => void (await r.system.checkpoint()));

/** The process goes down (crash or clean stop) and comes back; the checks of the suite run here. */
const restart = (clean: boolean): Cmd => ({
  check: () => true,
  async run(m, real) {
    const before = entitiesOf(real.runtime.system);
    if (clean) await real.runtime.stop();
    else await real.runtime.crash();
    m.restarts++;
    real.runtime = await startCoreRuntime(real.location, { snapshotEvery: 3, now: () => m.now, openLog: real.openLog });
    const { system, core } = real.runtime;
    // Bootstrap as oned does: only when oneadmin is missing (the bug re-created it).
    if (!core.userService.hasAdmin()) acknowledge(m, 'user', await core.userService.allocate(0, 'oneadmin', HASH(0), 'bootstrap'));
    await real.runtime.settle();

    assert.deepEqual(entitiesOf(system), before, 'the restart lost or changed acknowledged state');
    const scratchLog = await real.openLog(real.location);
    const scratch = new ActorSystem(scratchLog, DECIDERS);
    await scratch.rehydrate({ useSnapshots: false });
    assert.deepEqual(entitiesOf(system), entitiesOf(scratch), 'snapshots and a from-scratch fold disagree');
    await scratchLog.close();
    for (const kind of ['vm', 'host', 'vnet', 'user'] as const) {
      for (const id of m.acknowledged[kind]) assert.ok(system.nextId(kind) > id, `${kind} ${id} would be handed out again`);
    }
  },
  toString: () => (clean ? 'stop+restart' : 'crash+restart'),
});

const commands = [
  fc.tuple(fc.nat(), fc.boolean()).map(([u, nic]) => allocateVm(u, nic)),
  fc.tuple(fc.nat(), fc.boolean()).map(([u, nic]) => allocateVm(u, nic)),
  fc.tuple(fc.nat(), fc.constant(false)).map(([u, nic]) => allocateVm(u, nic)),
  fc.constant(null).map(allocateHost),
  fc.constant(null).map(allocateVnet),
  fc.constant(null).map(allocateUser),
  fc.tuple(fc.nat(), fc.nat()).map(([v, h]) => deploy(v, h)),
  fc.tuple(fc.nat(), fc.constantFrom(...ACTIONS)).map(([v, a]) => act(v, a)),
  fc.tuple(fc.nat(), fc.boolean()).map(([h, e]) => enableHost(h, e)),
  fc.tuple(fc.nat(), fc.constantFrom('', 'no host', '0/1 hosts: 1 lacked MEMORY')).map(([v, t]) => schedMessage(v, t)),
  fc.nat().map(deleteHost),
  fc.nat().map(setPassword),
  fc.tuple(fc.nat(), fc.boolean()).map(([w, s]) => reply(w, s)),
  fc.tuple(fc.nat(), fc.boolean()).map(([w, s]) => reply(w, s)),
  fc.constant(null).map(timerCheckpoint),
  fc.boolean().map(restart),
  fc.boolean().map(restart),
];

const dir = mkdtempSync(join(tmpdir(), 'one-ts-restart-model-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let runs = 0;

/** A backend gives each run its own empty log, opened again at every restart. */
interface LogBackend {
  readonly name: string;
  readonly runs: number;
  /** What the suite must see at least, summed over its runs. */
  readonly atLeast: number;
  forRun(location: string): Promise<LogOpener>;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
}

function describeRestartModel(backend: LogBackend): void {
  describe(`restart model on ${backend.name}`, () => {
    before(() => backend.setUp());
    after(() => backend.tearDown());
    it('after any mix of operations, checkpoints, crashes and restarts, the log gives back every acknowledged write', async () => {
      // What the runs did, summed: a suite whose operations all fail proves nothing.
      const done = { restarts: 0, vm: 0, host: 0, vnet: 0, user: 0 };
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 60, size: 'max' }), async (cmds) => {
          const location = join(dir, `run-${runs++}`);
          const openLog = await backend.forRun(location);
          const model: Model = { acknowledged: { vm: new Set(), host: new Set(), vnet: new Set(), user: new Set() }, now: 1_000, restarts: 0 };
          const runtime = await startCoreRuntime(location, { snapshotEvery: 3, now: () => model.now, openLog });
          acknowledge(model, 'user', await runtime.core.userService.allocate(0, 'oneadmin', HASH(0), 'bootstrap'));
          const real: Real = { location, runtime, openLog };
          try {
            await fc.asyncModelRun(() => ({ model, real }), [...cmds, restart(false), restart(true)]);
          } finally {
            await real.runtime.crash();
            done.restarts += model.restarts;
            for (const kind of ['vm', 'host', 'vnet', 'user'] as const) done[kind] += model.acknowledged[kind].size;
          }
        }),
        fcRunParams(backend.runs),
      );
      for (const [what, count] of Object.entries(done)) assert.ok(count >= backend.atLeast, `only ${count} ${what} over the suite: ${JSON.stringify(done)}`);
    });
  });
}

describeRestartModel({ name: 'SQLite', runs: 40, atLeast: 20, forRun: async () => sqliteLog, setUp: async () => {}, tearDown: async () => {} });

let cluster: PgCluster | undefined;
describeRestartModel({
  name: 'PostgreSQL',
  runs: 8,
  atLeast: 4,
  setUp: async () => void (cluster = await PgCluster.start()),
  tearDown: async () => cluster?.stop(),
  forRun: async (location) => {
    const c = cluster!;
    const database = await c.createDatabase(`restart_${location.replace(/\W/g, '_').slice(-40)}`);
    return () => openPostgresEventLog({ host: c.host, port: c.port, user: c.user, password: c.password, database });
  },
});
