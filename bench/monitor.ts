/**
 * Host monitoring through the real oned with the im_dummy driver (spec §5.2, §4.6).
 *   node --import tsx bench/monitor.ts [--small]
 * Human-readable lines go to stderr; the last stdout line is the JSON report.
 *
 * Phase 1, HOST_MONITORING_INTERVAL = 10: allocate the hosts over XML-RPC
 * (concurrently), let every host be monitored once, then measure for a
 * window: host updates ingested per second, monitoring lag, oned CPU and RSS.
 * With N hosts and a 10 s interval the demand is only N/10 updates/s, so
 * phase 2 restarts the same oned on the same log with an interval of 1 s,
 * which asks for N updates/s: what it ingests then is its capacity.
 *
 * Updates are counted in oned's monitoring table (var/monitoring.db): a
 * settled host's monitoring is a sample there, not an event in the log, so
 * the log only grows with state changes (the figures report its growth).
 * The lag of one update is the gap between two samples of the same host
 * minus the interval: how late that monitoring came.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { XmlRpcClient } from '../src/rpc/client.ts';
import { makeLocation, Oned } from '../test/helpers/oned-harness.ts';
import { dummyOnedConf } from './lib/dummy-oned-conf.ts';
import { hostSamplesIn, monitoringLags } from './lib/monitoring-samples.ts';
import { isSmallRun, perSecond, printReport } from './lib/report.ts';

const small = isSmallRun();
const hostCount = small ? 200 : 10_000;
const windowS = small ? 2 : 30;
/** --small shortens the interval too, so that its window still sees whole rounds. */
const interval = small ? 2 : 10;
const saturationInterval = 1;
const allocateConcurrency = 32;
const clockTicks = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

const say = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const onedConf = (monitoringInterval: number): string => dummyOnedConf(hostCount, monitoringInterval);

/** Follows the committed event feed: how much the log grows while hosts are monitored. */
class MonitoringFeed {
  private after = 0;
  private stopped = false;
  private done: Promise<void> | undefined;
  /** Distinct commit stamps seen while recording: every group commit stamps its events with one `ts`. */
  commits = 0;
  eventsSeen = 0;
  private lastTs = 0;
  recording = false;

  constructor(private client: XmlRpcClient, private readonly session: string) {}

  start(client = this.client): void {
    this.client = client;
    this.stopped = false;
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let batch: { seq: number; ts: number }[];
      try {
        const [ok, value] = (await this.client.call('one.event.poll', [this.session, this.after, 10_000, 300])) as [boolean, string];
        if (!ok) throw new Error(value);
        batch = JSON.parse(value);
      } catch (err) {
        if (this.stopped) return;
        throw err;
      }
      for (const { ts } of batch) {
        if (this.recording) {
          this.eventsSeen++;
          if (ts !== this.lastTs) this.commits++;
        }
        this.lastTs = ts;
      }
      if (batch.length > 0) this.after = batch[batch.length - 1]!.seq;
    }
  }
}

function hostsEverSampled(location: string): number {
  const db = new Database(join(location, 'var', 'monitoring.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT count(DISTINCT id) FROM monitoring WHERE kind = 'host'").pluck().get() as number;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks; // utime, stime
}

function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  return Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

function imDriverPid(onedPid: number): number | undefined {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(onedPid)], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.includes('im_dummy/main.ts'));
  return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
}

/** -1 when there is nothing to rank (JSON has no NaN). */
const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? -1 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function allocateHosts(one: Oned): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < hostCount) {
      const i = next++;
      await one.ok('one.host.allocate', `host-${String(i).padStart(5, '0')}`, 'im_dummy', 'vmm_dummy', 'tm_dummy');
    }
  };
  await Promise.all(Array.from({ length: allocateConcurrency }, worker));
  return performance.now() - start;
}

async function waitUntil(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface WindowFigures {
  updatesPerS: number;
  failures: number;
  lagP50: number;
  lagP99: number;
  lagMax: number;
  onedCpuPct: number;
  driverCpuPct: number;
  rssMb: number;
  commitsPerS: number;
  eventsPerCommit: number;
  eventsPerS: number;
  peakUpdatesPerS: number;
}

/** Measures one window on a warmed-up oned. */
async function measureWindow(one: Oned, feed: MonitoringFeed, monitoringInterval: number): Promise<WindowFigures> {
  const pid = one.process.pid!;
  const driver = imDriverPid(pid);
  // Whole seconds: sample times are epoch seconds.
  await sleep(1000 - (Date.now() % 1000));
  const from = Math.floor(Date.now() / 1000);
  const cpu0 = cpuSeconds(pid);
  const driverCpu0 = driver ? cpuSeconds(driver) : 0;
  const commits0 = feed.commits;
  const events0 = feed.eventsSeen;
  feed.recording = true;
  const t0 = performance.now();
  await sleep(windowS * 1000);
  const elapsedMs = performance.now() - t0;
  feed.recording = false;
  await sleep(300); // let the last batch of samples reach the table
  const samples = hostSamplesIn(one.location, from, from + windowS);
  const lags = monitoringLags(samples, monitoringInterval);
  const perSecondCount = new Map<number, number>();
  for (const { time } of samples) perSecondCount.set(time, (perSecondCount.get(time) ?? 0) + 1);
  const commits = feed.commits - commits0;
  const seconds = [...perSecondCount.values()];
  return {
    commitsPerS: perSecond(commits, elapsedMs),
    eventsPerCommit: commits > 0 ? round((feed.eventsSeen - events0) / commits, 1) : 0,
    eventsPerS: perSecond(feed.eventsSeen - events0, elapsedMs),
    peakUpdatesPerS: seconds.length > 0 ? Math.max(...seconds) : 0,
    updatesPerS: round(samples.length / windowS, 0),
    failures: samples.filter((x) => x.failed).length,
    lagP50: round(percentile(lags, 50)),
    lagP99: round(percentile(lags, 99)),
    lagMax: round(lags.at(-1) ?? -1),
    onedCpuPct: round(((cpuSeconds(pid) - cpu0) / (elapsedMs / 1000)) * 100, 1),
    driverCpuPct: driver ? round(((cpuSeconds(driver) - driverCpu0) / (elapsedMs / 1000)) * 100, 1) : -1,
    rssMb: round(statusKb(pid, 'VmRSS') / 1024, 1),
  };
}

/** How overdue hosts are right now, as one.hostpool.info shows them; also times the call. */
async function poolSample(one: Oned, monitoringInterval: number): Promise<{ ms: number; overdueP99: number }> {
  const now = Date.now() / 1000;
  const t0 = performance.now();
  const xml = String(await one.ok('one.hostpool.info'));
  const ms = performance.now() - t0;
  const overdue = [...xml.matchAll(/<LAST_MON_TIME>(\d+)<\/LAST_MON_TIME>/g)]
    .map((m) => Math.max(0, now - Number(m[1]) - monitoringInterval))
    .sort((a, b) => a - b);
  return { ms: round(ms, 1), overdueP99: round(percentile(overdue, 99)) };
}

const location = makeLocation(onedConf(interval));
let one: Oned;
try {
  one = await Oned.start({ location });
} catch (err) {
  rmSync(location, { recursive: true, force: true });
  throw err;
}
let feedClient = new XmlRpcClient(`http://127.0.0.1:${one.port}/RPC2`, { timeoutMs: 60_000, maxSockets: 1 });
const feed = new MonitoringFeed(feedClient, one.session);
try {
  feed.start();
  say(`monitor bench: ${hostCount} hosts, interval ${interval} s, window ${windowS} s, oned pid ${one.process.pid}`);
  const allocMs = await allocateHosts(one);
  say(`allocated ${hostCount} hosts in ${round(allocMs / 1000)} s`);
  await waitUntil('every host monitored once', () => hostsEverSampled(location) >= hostCount, (interval * 3 + 60) * 1000);
  const steady = await measureWindow(one, feed, interval);
  const pool = await poolSample(one, interval);
  say(`interval ${interval}: ${JSON.stringify(steady)} hostpool.info ${pool.ms} ms, overdue p99 ${pool.overdueP99} s`);

  // Phase 2: same log, interval 1 s → demand of hostCount updates/s.
  await feed.stop();
  await one.stop();
  feedClient.close();
  const confPath = join(location, 'etc', 'oned.conf');
  writeFileSync(confPath, readFileSync(confPath, 'utf8').replace(/^HOST_MONITORING_INTERVAL = \d+$/m, `HOST_MONITORING_INTERVAL = ${saturationInterval}`));
  const restartStart = performance.now();
  one = await Oned.start({ location });
  const restartS = (performance.now() - restartStart) / 1000;
  feedClient = new XmlRpcClient(`http://127.0.0.1:${one.port}/RPC2`, { timeoutMs: 60_000, maxSockets: 1 });
  feed.start(feedClient);
  await sleep((small ? 1 : 5) * 1000); // warm-up: the first round after the restart is one burst
  const saturated = await measureWindow(one, feed, saturationInterval);
  say(`interval ${saturationInterval}: ${JSON.stringify(saturated)}; restart with ${hostCount} hosts ${round(restartS)} s`);
  const hwmMb = round(statusKb(one.process.pid!, 'VmHWM') / 1024, 1);

  printReport('monitor', { hosts: hostCount, interval_s: interval, saturation_interval_s: saturationInterval, window_s: windowS, im: 'im_dummy' }, {
    hosts_allocated_per_s: perSecond(hostCount, allocMs),
    host_updates_per_s: steady.updatesPerS,
    monitor_lag_s_p50: steady.lagP50,
    monitor_lag_s_p99: steady.lagP99,
    monitor_lag_s_max: steady.lagMax,
    overdue_s_p99: pool.overdueP99,
    hostpool_info_ms: pool.ms,
    oned_cpu_pct: steady.onedCpuPct,
    im_driver_cpu_pct: steady.driverCpuPct,
    rss_mb: steady.rssMb,
    restart_s: round(restartS),
    host_updates_per_s_max: saturated.updatesPerS,
    monitor_lag_s_p50_saturated: saturated.lagP50,
    monitor_lag_s_p99_saturated: saturated.lagP99,
    oned_cpu_pct_saturated: saturated.onedCpuPct,
    im_driver_cpu_pct_saturated: saturated.driverCpuPct,
    rss_mb_saturated: saturated.rssMb,
    rss_mb_peak: hwmMb,
    log_events_per_s: steady.eventsPerS,
    log_events_per_s_saturated: saturated.eventsPerS,
    commits_per_s: steady.commitsPerS,
    events_per_commit: steady.eventsPerCommit,
    commits_per_s_saturated: saturated.commitsPerS,
    events_per_commit_saturated: saturated.eventsPerCommit,
    peak_host_updates_per_s_saturated: saturated.peakUpdatesPerS,
    monitor_failures: steady.failures + saturated.failures,
  });
} finally {
  await feed.stop().catch(() => undefined);
  feedClient.close();
  await one.stop();
  // MONITOR_BENCH_KEEP=1 keeps var/ (one.db, oned.log, profiles) for a post-mortem.
  if (process.env.MONITOR_BENCH_KEEP) say(`kept ${location}`);
  else one.remove();
}
