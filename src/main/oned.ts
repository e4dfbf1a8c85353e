/**
 * oned — the composition root (spec §1.2, §11.4–11.8). The only place that
 * wires the concrete store, drivers and XML-RPC server to the pure core.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ActorSystem } from '../actors/actor-system.ts';
import { guardLiveDecisions, logDisagreements } from '../actors/chart-guard.ts';
import { systemClock } from '../actors/ports.ts';
import { resolveLayout } from '../config/layout.ts';
import { loadOnedConf } from '../config/load-oned-conf.ts';
import type { OnedConfig } from '../config/oned-config.ts';
import type { CoreContext } from '../core/core-context.ts';
import { EffectRouter } from '../core/effect-router.ts';
import { OneCore } from '../core/one-core.ts';
import { DriverManager } from '../drivers/driver-manager.ts';
import { hookDecider } from '../machines/hook/hook-decider.ts';
import { hostDecider } from '../machines/host/host-decider.ts';
import type { HostMachineState } from '../machines/host/host-types.ts';
import { HostState } from '../machines/state-codes.ts';
import { userDecider } from '../machines/user/user-decider.ts';
import { vmDecider } from '../machines/vm/vm-decider.ts';
import type { VmState } from '../machines/vm/vm-types.ts';
import { vnetDecider } from '../machines/vnet/vnet-decider.ts';
import { ConsoleServer } from '../console/console-server.ts';
import { hashPassword } from '../rpc/auth.ts';
import { startRpcServer } from '../rpc/server.ts';
import { openMonitoringStore } from '../store/monitoring-store.ts';
import { driverGateway } from './driver-gateway.ts';
import { FileLogger } from './file-logger.ts';
import { acquireLock } from './lock-file.ts';
import { LogHeadKeeper } from './log-head-keeper.ts';
import { OnedMetrics } from './metrics.ts';
import { MetricsServer } from './metrics-server.ts';
import { describeLog, openConfiguredLog, pgConnectionOf } from './open-configured-log.ts';
import { FrontEndRole } from './front-end-role.ts';
import { Leadership } from './pg-leadership.ts';
import { PostgresEventLog } from '../store/postgres-event-log.ts';
import { restoreSamples } from './restore-samples.ts';
import { databaseProblem, listenProblem, probeListen, varDirProblem, type ListenKeys } from './startup-checks.ts';
import { readCredentials, sha1hex } from '../rpc/one-auth.ts';

function die(message: string): never {
  process.stderr.write(`oned: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args.includes('-h')) {
  console.log(
    'Usage: oned [-f] [--rebuild]\n  -f         run in the foreground (otherwise it detaches)\n' +
      '  --rebuild  discard the snapshots and rebuild every object from the whole log\n  -v         print the version',
  );
  process.exit(0);
}
if (args.includes('-v')) {
  console.log('ONE-TS oned, compatible with OpenNebula 1.4');
  process.exit(0);
}
if (!args.includes('-f')) {
  // Detach: run ourselves in the foreground in a new session and return at once.
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '-f', ...args], { detached: true, stdio: 'ignore' });
  child.unref();
  process.exit(0);
}

const rebuildAll = args.includes('--rebuild');
const layout = resolveLayout(process.env);
const config = readConfig();

function readConfig(): OnedConfig {
  try {
    return loadOnedConf(join(layout.etc, 'oned.conf'), layout);
  } catch (e) {
    die(e instanceof Error ? e.message : String(e));
  }
}
const varProblem = varDirProblem(layout.var);
if (varProblem) die(varProblem);
const lock = acquireLock(layout.lock);
if (!lock.ok) die(`another oned (pid ${lock.holder}) is running on ${layout.var}; lock file ${layout.lock}`);
const releaseLock = lock.release;

// Until oned serves, any error stops start-up with one line on stderr (the
// stack goes to oned.log) and leaves neither the lock nor a pid file behind.
let startupLogger: FileLogger | undefined;
function startupFailed(message: string, cause?: unknown): never {
  startupLogger?.log('ONE', 'E', `Start-up stopped: ${cause instanceof Error && cause.stack ? cause.stack : message}`);
  releaseLock();
  die(message);
}
const onStartupError = (e: unknown) => startupFailed(e instanceof Error ? e.message : String(e), e);
process.on('uncaughtException', onStartupError);
// Before anything starts: a port in use or an address that does not resolve leaves nothing to undo.
const listenFailure = await probeListen(config.listenAddress, config.port);
if (listenFailure) startupFailed(listenFailure);
const METRICS_KEYS: ListenKeys = { port: 'METRICS_PORT', address: 'METRICS_LISTEN_ADDRESS' };
const metricsOn = config.metricsPort !== 0;
const metricsFailure = metricsOn ? await probeListen(config.metricsListenAddress, config.metricsPort, METRICS_KEYS) : undefined;
if (metricsFailure) startupFailed(metricsFailure);
const CONSOLE_KEYS: ListenKeys = { port: 'CONSOLE_PORT', address: 'CONSOLE_LISTEN_ADDRESS' };
const consoleFailure = config.consolePort !== 0 ? await probeListen(config.consoleListenAddress, config.consolePort, CONSOLE_KEYS) : undefined;
if (consoleFailure) startupFailed(consoleFailure);
function openStore<T>(path: string, open: (path: string) => T): T {
  try {
    return open(path);
  } catch (e) {
    return startupFailed(databaseProblem(path, e), e);
  }
}

const logger = new FileLogger(join(layout.log, 'oned.log'), config.debugLevel, layout.var);
startupLogger = logger;
logger.log('ONE', 'I', 'Starting ONE-TS oned');
// A full disk (or a database that went away) is reported once when writes start failing and once when they work again.
const log = await openConfiguredLog(config.db, join(layout.var, 'one.db'), {
  onWriteState: (f) =>
    f ? logger.log('ONE', 'E', `${f.message}; write requests fail with 0x2000 until ${config.db?.backend === 'postgresql' ? 'the database is back' : 'there is room'}`) : logger.log('ONE', 'I', 'The event log can be written again'),
  onEpochLost: (epoch) => void stepDown(`another front-end claimed the log (epoch ${epoch})`),
}).catch((e: unknown) => startupFailed(e instanceof Error ? e.message : String(e), e));
logger.log('ONE', 'I', `Event log: ${describeLog(config.db, join(layout.var, 'one.db'))}`);
const samples = openStore(join(layout.var, 'monitoring.db'), (path) => openMonitoringStore(path, {
  onWriteState: (f) =>
    f ? logger.log('ONE', 'E', `Cannot write monitoring samples: ${f.message}; kept in memory and retried`) : logger.log('ONE', 'I', 'Monitoring samples can be written again'),
}));
const drivers = new DriverManager({
  mads: [
    ...config.imMads.map((m) => ({ ...m, kind: 'im' as const })),
    ...config.vmMads.map((m) => ({ ...m, kind: 'vmm' as const })),
    ...config.tmMads.map((m) => ({ ...m, kind: 'tm' as const })),
    ...(config.hmMad ? [{ ...config.hmMad, kind: 'hm' as const }] : []),
  ],
  binDir: layout.bin,
  logger,
  cwd: layout.var,
  requestTimeoutMs: config.driverTimeout * 1000,
});

// Driver LOG lines (spec §4.3): to the VM's log when they name a VM, else to oned.log. An id
// that is no VM goes to oned.log too: a driver printing garbage must not create var/<id>/ folders.
const LOG_MODULE = { im: 'InM', vmm: 'VMM', tm: 'TM', hm: 'HKM' } as const;
drivers.logs$.subscribe(({ kind, vid, text }) => {
  if (vid !== undefined && system.get('vm', vid)) logger.vmLog(vid, LOG_MODULE[kind], 'I', text);
  else logger.log(LOG_MODULE[kind], 'I', vid === undefined ? text : `(no VM ${vid}) ${text}`);
});

let router: EffectRouter | undefined;
let metrics: OnedMetrics | undefined; // set once the actors are rebuilt, when METRICS_PORT is set
const system = new ActorSystem(
  log,
  // The charts check every live decision; replay and rebuild use the plain fold.
  guardLiveDecisions(
    { vm: vmDecider, host: hostDecider, vnet: vnetDecider, user: userDecider, hook: hookDecider },
    logDisagreements(logger),
  ),
  (s, e, a) => router?.sink(s, e, a),
  config.snapshotInterval,
  {
    written: (position) => {
      head.record(position);
      metrics?.checkpointWritten();
    },
    failed: (e) => {
      metrics?.checkpointFailed();
      logger.log('ONE', 'E', `Checkpoint not written, tried again later: ${e instanceof Error ? e.message : String(e)}`);
    },
  },
);
const head = new LogHeadKeeper(join(layout.var, 'one.head'), logger);
const rebuilt = await head.rebuild(system, log, { rebuild: rebuildAll }).catch(async (e: unknown) => {
  await log.close();
  return startupFailed(e instanceof Error ? e.message : String(e), e);
});
logger.log('ONE', 'I', `Rebuilt ${rebuilt.actors} entities from ${rebuilt.events} events${rebuildAll ? ' (--rebuild)' : ''}`);

const ctx: CoreContext = {
  system,
  log,
  clock: systemClock,
  config,
  layout,
  logger,
  drivers: driverGateway(drivers),
  samples,
  lifecycle: { stopping: false },
  hostSamples: new Map(),
  vmPolls: new Map(),
};
restoreSamples(ctx);
const core = new OneCore(ctx);
router = new EffectRouter(ctx, core, hostname());
if (metricsOn) {
  metrics = new OnedMetrics({
    committed$: log.follow(log.lastSeq()),
    driverRequests$: drivers.requests$,
    vms: () => system.all('vm').map((a) => a.state as VmState),
    hosts: () => system.all('host').map((a) => a.state as HostMachineState).filter((h) => !h.deleted).map((h) => ({
      state: core.hostMonitor.isQuietlyMonitoring(h.id) ? HostState.MONITORING : h.state,
      lastMonTime: core.hostMonitor.lastMonTime(h),
    })),
    monitoringInterval: config.hostMonitoringInterval,
    now: () => systemClock.now(),
  });
}

let pollTimer: NodeJS.Timeout | undefined;
let checkpointTimer: NodeJS.Timeout | undefined;

/** What only the leader runs: the bootstrap of oneadmin, drivers, reconciling operations left in flight, monitoring, timers. */
async function lead(): Promise<void> {
  if (!core.userService.hasAdmin()) {
    const creds = readCredentials();
    if (!creds.ok) {
      releaseLock();
      die(creds.message);
    }
    const r = await core.userService.allocate(0, creds.value.user, await hashPassword(sha1hex(creds.value.password)), 'bootstrap');
    if (!r.ok || r.value !== 0) {
      releaseLock();
      die(`could not create ${creds.value.user}: ${r.ok ? `got uid ${r.value}` : r.error.message}`);
    }
    logger.log('ONE', 'I', `Bootstrapped ${creds.value.user} as uid 0`);
  }

  const started = await drivers.start();
  for (const f of started.failed) logger.log('ONE', 'E', `Driver ${f.name} not loaded: ${f.reason}`);
  logger.log('ONE', 'I', `Drivers loaded: ${started.started.join(', ') || 'none'}`);
  const interrupted = await core.hookService.closeInterrupted();
  if (interrupted > 0) logger.log('HKM', 'W', `${interrupted} hook runs were interrupted by the last stop`);
  const reissued = router!.reconcile();
  if (reissued > 0) logger.log('ONE', 'I', `Re-issued ${reissued} driver operations left in flight`);

  core.hostMonitor.start();
  pollTimer = setInterval(() => router!.pollTick(), 1000);
  checkpointTimer = setInterval(() => void system.checkpoint(), config.checkpointInterval * 1000);
}

// Front-ends sharing a PostgreSQL database: one leads, the others follow as standbys (src/main/front-end-role.ts).
const endpoint = `http://${config.listenAddress === '0.0.0.0' ? hostname() : config.listenAddress}:${config.port}/RPC2`;
const frontEnd = log instanceof PostgresEventLog && config.db?.backend === 'postgresql'
  ? new FrontEndRole({
    log,
    system,
    leadership: new Leadership(pgConnectionOf(config.db), (reason) => frontEnd?.lost(reason)),
    endpoint,
    logger,
    roleFile: join(layout.run, 'oned.role'),
    lead,
    stepDown: (reason) => void stepDown(reason),
  })
  : undefined;
rmSync(join(layout.run, 'oned.role'), { force: true }); // a stale role from a run that was killed
if (frontEnd) await frontEnd.start();
else await lead();

/** Another front-end leads now: stop at once, writing nothing more (no checkpoint either). */
async function stepDown(reason: string): Promise<void> {
  logger.log('ONE', 'E', `Stepping down: ${reason}; stopping without writing anything more`);
  if (log instanceof PostgresEventLog) log.followOnly();
  if (frontEnd) frontEnd.role = 'standby';
  await shutdown('the loss of the leadership', 75).catch(() => process.exit(75)); // even before the server was up
}

const server = await startRpcServer({
  core,
  host: config.listenAddress,
  port: config.port,
  logger,
  maxStringBytes: config.vmTemplateMaxSize,
  loginThrottle: { failures: config.loginBackoffFailures },
  onCall: metrics && ((call) => metrics!.apiCall(call)),
})
  .catch(async (e: unknown) => {
    await drivers.stop(); // the port was taken since the probe: say so in one line, as the probe would have
    return startupFailed(listenProblem(config.listenAddress, config.port, e), e);
  });
// Up before the pid file, which tells `one start` and the tests that oned serves.
const metricsServer = metrics && (await MetricsServer.start(metrics, config.metricsListenAddress, config.metricsPort).catch((e: unknown) => {
  logger.log('ONE', 'E', `Metrics not served: ${listenProblem(config.metricsListenAddress, config.metricsPort, e, METRICS_KEYS)}`);
  return undefined;
}));
if (metricsServer) logger.log('ONE', 'I', `Metrics served on http://${config.metricsListenAddress}:${metricsServer.port}/metrics`);
const consoleServer = config.consolePort === 0 ? undefined : await ConsoleServer.start({
  core,
  call: server.call,
  address: config.consoleListenAddress,
  port: config.consolePort,
  maxBodyBytes: 2 * config.vmTemplateMaxSize + 64 * 1024, // a template of the largest size, JSON-escaped
  logger,
}).catch((e: unknown) => {
  logger.log('ONE', 'E', `Web console not served: ${listenProblem(config.consoleListenAddress, config.consolePort, e, CONSOLE_KEYS)}`);
  return undefined;
});
if (consoleServer) logger.log('ONE', 'I', `Web console served on http://${config.consoleListenAddress}:${consoleServer.port}/`);
const pidFile = join(layout.run, 'oned.pid');
writeFileSync(pidFile, `${process.pid}\n`);
process.off('uncaughtException', onStartupError);
logger.log('ReM', 'I', `XML-RPC server listening on ${config.listenAddress}:${server.port}/RPC2`);

async function shutdown(signal: string, exitCode = 0): Promise<void> {
  if (ctx.lifecycle.stopping) return;
  ctx.lifecycle.stopping = true;
  logger.log('ONE', 'I', `Got ${signal}, stopping`);
  frontEnd?.stop();
  core.hostMonitor.stop();
  clearInterval(pollTimer);
  clearInterval(checkpointTimer);
  await server.close();
  await metricsServer?.close();
  await consoleServer?.close();
  metrics?.close();
  await drivers.stop();
  // A standby writes nothing, not even a last checkpoint (the leader's are in the same database).
  if (frontEnd?.role !== 'standby') await system.close();
  await log.close();
  await frontEnd?.release();
  samples.close();
  rmSync(pidFile, { force: true });
  rmSync(join(layout.run, 'oned.role'), { force: true });
  releaseLock();
  logger.log('ONE', 'I', 'All modules finalized, exiting.');
  process.exit(exitCode);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// A file-size limit (ulimit -f) would kill oned with SIGXFSZ; ignored, writes fail with EFBIG and are handled like a full disk.
process.on('SIGXFSZ', () => {});
