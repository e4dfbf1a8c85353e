/**
 * oned's runtime without its processes: the real actor system on a real
 * SQLite file (or a PostgreSQL database, with `openLog`), the real services (OneCore) and effect router, wired as
 * src/main/oned.ts wires them, but with driver requests held for the test
 * to answer. `crash()` drops it without a checkpoint; `stop()` is a clean stop.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ActorSystem } from '../../../src/actors/actor-system.ts';
import type { DriverGateway, DriverReply, EventLog, Logger } from '../../../src/actors/ports.ts';
import type { Layout } from '../../../src/config/layout.ts';
import { REPO_ROOT } from '../../../src/config/layout.ts';
import { loadOnedConf } from '../../../src/config/load-oned-conf.ts';
import type { CoreContext } from '../../../src/core/core-context.ts';
import { EffectRouter } from '../../../src/core/effect-router.ts';
import { OneCore } from '../../../src/core/one-core.ts';
import { hookDecider } from '../../../src/machines/hook/hook-decider.ts';
import { hostDecider } from '../../../src/machines/host/host-decider.ts';
import { userDecider } from '../../../src/machines/user/user-decider.ts';
import { vmDecider } from '../../../src/machines/vm/vm-decider.ts';
import { vnetDecider } from '../../../src/machines/vnet/vnet-decider.ts';
import { openMonitoringStore } from '../../../src/store/monitoring-store.ts';
import { openEventLog } from '../../../src/store/sqlite-event-log.ts';

export const DECIDERS = { vm: vmDecider, host: hostDecider, vnet: vnetDecider, user: userDecider, hook: hookDecider };

/** A driver request waiting for the test's answer. */
export interface HeldRequest {
  readonly mad: string;
  readonly verb: string;
  readonly id: number;
  readonly args: readonly string[];
  readonly answer: (reply: DriverReply) => void;
}

const quietLogger: Logger = { log: () => {}, vmLog: () => {} };

export interface CoreRuntime {
  readonly system: ActorSystem;
  readonly log: EventLog;
  readonly core: OneCore;
  readonly held: HeldRequest[];
  /** Lets committed work and the replies' follow-up commands run. */
  settle(): Promise<void>;
  /** The process dies: nothing more is written, no checkpoint. */
  crash(): Promise<void>;
  /** A clean stop: the last checkpoint, then close. */
  stop(): Promise<void>;
}

/** Opens the log a runtime on `location` uses: var/one.db by default. */
export type LogOpener = (location: string) => Promise<EventLog>;
export const sqliteLog: LogOpener = async (location) => openEventLog(join(location, 'var', 'one.db'));

/** Starts a runtime on `location`'s log, as oned does after a (re)start. */
export async function startCoreRuntime(
  location: string,
  options: { snapshotEvery: number; now: () => number; openLog?: LogOpener },
): Promise<CoreRuntime> {
  const layout: Layout = { location, etc: join(REPO_ROOT, 'etc'), var: join(location, 'var'), lib: join(REPO_ROOT, 'lib'), log: join(location, 'var'), run: join(location, 'var'), lock: join(location, 'var/.lock'), bin: join(REPO_ROOT, 'bin') };
  const config = loadOnedConf(join(REPO_ROOT, 'etc/oned.conf'), layout);
  mkdirSync(layout.var, { recursive: true });
  const log = await (options.openLog ?? sqliteLog)(location);
  const samples = openMonitoringStore(join(layout.var, 'monitoring.db'));
  const held: HeldRequest[] = [];
  const drivers: DriverGateway = {
    has: () => true,
    request: (mad, verb, id, args) => new Promise((answer) => held.push({ mad, verb, id, args, answer })),
    notify: () => {},
  };
  let router: EffectRouter | undefined;
  const system = new ActorSystem(log, DECIDERS, (s, e, a) => router?.sink(s, e, a), options.snapshotEvery);
  await system.rehydrate();
  const ctx: CoreContext = {
    system, log, config, layout, samples, drivers,
    clock: { now: options.now },
    logger: quietLogger,
    lifecycle: { stopping: false },
    hostSamples: new Map(),
    vmPolls: new Map(),
  };
  const core = new OneCore(ctx);
  router = new EffectRouter(ctx, core, 'frontend');
  router.reconcile();
  const close = () => {
    ctx.lifecycle.stopping = true;
    held.length = 0;
    samples.close();
  };
  return {
    system, log, core, held,
    // A few turns let replies and their follow-up commands run; a log that
    // commits over the network (PostgreSQL) needs its round trips too, so
    // settle until the log is quiet and its tip stops moving.
    settle: async () => {
      const idle = (log as { whenIdle?: () => Promise<void> }).whenIdle?.bind(log);
      for (let seen = -1; ; seen = log.lastSeq()) {
        for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
        if (!idle) return;
        await idle();
        if (log.lastSeq() === seen) return;
      }
    },
    crash: async () => {
      close();
      await log.close();
    },
    stop: async () => {
      close();
      await system.close();
      await log.close();
    },
  };
}
