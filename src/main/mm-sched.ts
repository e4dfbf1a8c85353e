/**
 * mm_sched — the match-making scheduler's composition root. It is an
 * XML-RPC client of oned and nothing else: it never opens one.db.
 *
 *   mm_sched [-p port] [-t interval] [--dry-run]
 */
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { resolveLayout } from '../config/layout.ts';
import { readCredentials, sessionOf } from '../rpc/one-auth.ts';
import { followEventFeed } from '../scheduler/process/event-feed.ts';
import { OnedGateway } from '../scheduler/process/oned-gateway.ts';
import { describePlan } from '../scheduler/process/plan-report.ts';
import { pendingVm, planWith } from '../scheduler/process/plan-adapter.ts';
import { loadSchedConf, type SchedConf } from '../scheduler/process/sched-conf.ts';
import { SchedulerActor } from '../scheduler/process/scheduler-actor.ts';
import { FileLogger } from './file-logger.ts';

function die(message: string): never {
  process.stderr.write(`mm_sched: ${message}\n`);
  process.exit(1);
}

const integer = (min: number, max: number) => (raw: string) => {
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}.`);
  return n;
};

const options = new Command('mm_sched')
  .description('The ONE-TS scheduler: places PENDING VMs on hosts (REQUIREMENTS and RANK) as soon as they appear.')
  .option('-p, --port <port>', "oned's XML-RPC port (default: ONED_PORT of sched.conf)", integer(1, 65_535))
  .option('-t, --interval <seconds>', 'seconds between safety-net sweeps (default: SCHED_INTERVAL)', integer(1, 86_400))
  .option('--dry-run', 'print the placement plan and deploy nothing')
  .parse()
  .opts<{ port?: number; interval?: number; dryRun?: boolean }>();

const layout = resolveLayout(process.env);
let conf: SchedConf;
try {
  conf = loadSchedConf(join(layout.etc, 'sched.conf'));
} catch (e) {
  die(e instanceof Error ? e.message : String(e));
}
conf = { ...conf, onedPort: options.port ?? conf.onedPort, schedInterval: options.interval ?? conf.schedInterval };

const credentials = readCredentials();
if (!credentials.ok) die(credentials.message);
const endpoint = process.env.ONE_XMLRPC?.trim() || `http://127.0.0.1:${conf.onedPort}/RPC2`;
const oned = new OnedGateway(endpoint, sessionOf(credentials.value));
const planner = planWith(conf);

if (options.dryRun) {
  try {
    const [vms, hosts] = [await oned.pendingVms(), await oned.hosts()];
    process.stdout.write(describePlan(planner(hosts, vms.map((vm) => pendingVm(vm, undefined))), vms.length, hosts.length));
  } catch (e) {
    die(`cannot read the pools from ${endpoint}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    oned.close();
  }
  process.exit(0);
}

const log = new FileLogger(join(layout.log, 'sched.log'), conf.debugLevel, layout.var);
log.log('SCHED', 'I', `Starting the scheduler: oned at ${endpoint}, sweep every ${conf.schedInterval} s, ` +
  `MAX_VM=${conf.maxVm} MAX_DISPATCH=${conf.maxDispatch} MAX_HOST=${conf.maxHost} HYPERVISOR_MEM=${conf.hypervisorMem}, ` +
  `default RANK "${conf.defaultRank}"`);

const actor = new SchedulerActor(oned, planner, log);
let lastFeedError = '';
const feed = followEventFeed(oned, {
  onError: (error) => {
    const text = error instanceof Error ? error.message : String(error);
    if (text !== lastFeedError) log.log('SCHED', 'W', `Event feed interrupted: ${text}; retrying`);
    lastFeedError = text;
  },
}).subscribe((signal) => {
  if (signal.kind === 'resync') lastFeedError = '';
  actor.onSignal(signal);
});
const sweep = setInterval(() => actor.sweep(), conf.schedInterval * 1000);

async function shutdown(signal: string): Promise<void> {
  log.log('SCHED', 'I', `Stopping the scheduler (${signal})`);
  clearInterval(sweep);
  feed.unsubscribe();
  await actor.settled();
  oned.close();
  log.flush();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
