/**
 * Event log throughput: durable single-event commits, group commit, replay;
 * the rebuild of N VMs, and live decisions with and without the chart guard
 * (`live_decisions_per_s`, `live_decisions_unguarded_per_s`, from
 * bench/lib/live-decisions.ts). The same log figures on PostgreSQL follow
 * with a `pg_` prefix (a private cluster on this machine, fsync on, over
 * TCP on 127.0.0.1), unless ONE_TS_BENCH_NO_PG=1.
 *   node --import tsx bench/eventlog.ts [--small]
 * Human-readable lines go to stderr; the last stdout line is the JSON report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openEventLog, SqliteEventLog } from '../src/store/sqlite-event-log.ts';
import { openPostgresEventLog } from '../src/store/postgres-event-log.ts';
import { PgCluster } from '../test/helpers/pg-cluster.ts';
import type { EventLog } from '../src/actors/ports.ts';
import { isSmallRun, perSecond, printReport, rssMb } from './lib/report.ts';
import { measureLiveDecisions } from './lib/live-decisions.ts';
import { measureRebuild } from './lib/rebuild-vms.ts';

export interface EventLogWorkload {
  readonly singleCommits: number;
  readonly groupedEvents: number;
  readonly groupSize: number;
  readonly replayPage: number;
  readonly replayPasses: number;
}

export const FULL_WORKLOAD: EventLogWorkload = {
  singleCommits: 1000,
  groupedEvents: 200_000,
  groupSize: 1000,
  replayPage: 10_000,
  replayPasses: 3,
};
export const SMALL_WORKLOAD: EventLogWorkload = {
  singleCommits: 50,
  groupedEvents: 5_000,
  groupSize: 1000,
  replayPage: 1_000,
  replayPasses: 1,
};

/** A VM-ish event, so the JSON size is realistic rather than trivial. */
const sampleEvent = (i: number) => ({
  type: 'VmAllocated',
  vid: i,
  uid: 0,
  name: `vm-${i}`,
  template: { CPU: 1, MEMORY: 512, DISK: { SOURCE: '/var/lib/one/images/ttylinux.img', TARGET: 'hda' } },
  stime: 1_700_000_000 + i,
});

/** One event per append, each awaited: every event pays its own fsync. */
export async function measureSingleCommits(log: EventLog, commits: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < commits; i++) {
    await log.append([{ stream: `single/${i}`, expectedVersion: 0, events: [sampleEvent(i)] }]);
  }
  return perSecond(commits, performance.now() - start);
}

/** Many concurrent appends per tick, so the log commits them as one group. */
export async function measureGroupedCommits(
  log: EventLog,
  events: number,
  groupSize: number,
  streamPrefix = 'vm/',
): Promise<number> {
  const start = performance.now();
  for (let done = 0; done < events; done += groupSize) {
    const group: Promise<unknown>[] = [];
    for (let i = done; i < Math.min(done + groupSize, events); i++) {
      group.push(log.append([{ stream: `${streamPrefix}${i}`, expectedVersion: 0, events: [sampleEvent(i)] }]));
    }
    await Promise.all(group);
  }
  return perSecond(events, performance.now() - start);
}

/** Reads and parses the whole log, page by page, as a restart would. */
export async function measureReplay(log: EventLog, page: number): Promise<{ eventsPerS: number; events: number }> {
  const start = performance.now();
  let after = 0;
  let events = 0;
  for (;;) {
    const batch = await log.readAll(after, page);
    if (batch.length === 0) break;
    events += batch.length;
    after = batch[batch.length - 1]!.seq;
  }
  return { eventsPerS: perSecond(events, performance.now() - start), events };
}

/**
 * Runs the bench in a temp dir. `extraFigures` is where the lead's
 * "rebuild 100,000 VMs" measurement plugs in: it gets the filled log and
 * returns more figures (e.g. `rebuild_100k_vms_s`) for the same report.
 */
export async function runEventLogBench(
  workload: EventLogWorkload,
  extraFigures?: (log: EventLog) => Promise<Record<string, number>>,
  open?: () => Promise<EventLog>,
): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'one-ts-bench-eventlog-'));
  try {
    const log = open ? await open() : openEventLog(join(dir, 'var', 'one.db'));
    try {
      const single = await measureSingleCommits(log, workload.singleCommits);
      console.error(`single-event durable commits: ${single} events/s`);
      const grouped = await measureGroupedCommits(log, workload.groupedEvents, workload.groupSize);
      const commits = log instanceof SqliteEventLog ? `, ${log.stats().commits} commits` : '';
      console.error(`grouped commits (${workload.groupSize}/tick): ${grouped} events/s${commits}`);
      // Best of a few passes: a replay pass is short, so one stray scheduling
      // hiccup on a shared 2-core machine would otherwise decide the figure.
      let replay = await measureReplay(log, workload.replayPage);
      for (let pass = 1; pass < workload.replayPasses; pass++) {
        const again = await measureReplay(log, workload.replayPage);
        if (again.eventsPerS > replay.eventsPerS) replay = again;
      }
      console.error(`replay: ${replay.events} events at ${replay.eventsPerS} events/s (best of ${workload.replayPasses})`);
      const extra = extraFigures ? await extraFigures(log) : {};
      return {
        append_single_events_per_s: single,
        append_grouped_events_per_s: grouped,
        replay_events_per_s: replay.eventsPerS,
        ...extra,
        rss_mb: rssMb(),
      };
    } finally {
      await log.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const workload = isSmallRun() ? SMALL_WORKLOAD : FULL_WORKLOAD;
  const rebuildVms = isSmallRun() ? 2_000 : 100_000;
  const liveDecisionVms = isSmallRun() ? 500 : 20_000;
  const figures = await runEventLogBench(workload, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'one-ts-bench-rebuild-'));
    try {
      const rebuild = await measureRebuild(join(dir, 'one.db'), rebuildVms);
      return { ...rebuild, ...measureLiveDecisions(liveDecisionVms, isSmallRun() ? 1 : 3) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const pgFigures = process.env.ONE_TS_BENCH_NO_PG === '1' ? {} : await postgresFigures(workload, rebuildVms);
  printReport('eventlog', { ...workload, rebuildVms, liveDecisionVms }, { ...figures, ...pgFigures });
}

/** The log figures again on a private PostgreSQL cluster, keys prefixed `pg_`. */
async function postgresFigures(workload: EventLogWorkload, rebuildVms: number): Promise<Record<string, number>> {
  const cluster = await PgCluster.start();
  try {
    const connect = async () => {
      const database = await cluster.createDatabase(`bench_${Math.random().toString(36).slice(2)}`);
      const connection = { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database };
      return () => openPostgresEventLog(connection);
    };
    console.error('PostgreSQL:');
    const openLog = await connect();
    const openRebuildLog = await connect();
    const figures = await runEventLogBench(workload, () => measureRebuild('', rebuildVms, openRebuildLog), openLog);
    delete figures.rss_mb;
    return Object.fromEntries(Object.entries(figures).map(([k, v]) => [`pg_${k}`, v]));
  } finally {
    cluster.stop();
  }
}
