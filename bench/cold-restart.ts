/**
 * Cold restart of oned with bench/scale's state (10,000 dummy hosts,
 * 100,000 VMs RUNNING), without the half hour of getting there through the
 * API: the state is written straight into var/ (bench/lib/running-state.ts),
 * oned folds it once and runs until it has checkpointed, and then, three
 * times: SIGKILL, start again, and time spawn → listening → first
 * `one.system.version` → first `one.vmpool.info` that holds every VM
 * (`cold_restart_s`, as bench/scale measures it), then let it run a while.
 *
 *   node --import tsx bench/cold-restart.ts [--small]   (--small: 100 hosts, 1,000 VMs)
 *
 * ONED_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR" profiles oned (a profile is
 * written only by a clean stop: the last oned is stopped with SIGTERM).
 */
import { join } from 'node:path';
import { Oned, makeLocation, waitFor } from '../test/helpers/oned-harness.ts';
import { dummyOnedConf } from './lib/dummy-oned-conf.ts';
import { rawCallMs } from './lib/raw-call.ts';
import { isSmallRun, percentile, printReport } from './lib/report.ts';
import { writeRunningState } from './lib/running-state.ts';

const small = isSmallRun();
const HOSTS = small ? 100 : 10_000;
const VMS = small ? 1_000 : 100_000;
const RESTARTS = 3;
// Long enough for a checkpoint (CHECKPOINT_INTERVAL) and some monitoring before each kill.
const CHECKPOINT_S = small ? 2 : 30;
const RUN_S = small ? 3 : 40;

const round = (x: number) => Math.round(x * 100) / 100;
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
const say = (line: string) => process.stderr.write(`cold-restart: ${line}\n`);

const location = makeLocation(`${dummyOnedConf(HOSTS, 20)}CHECKPOINT_INTERVAL = ${CHECKPOINT_S}\n`);
let one = await Oned.start({ location }); // bootstraps oneadmin (uid 0)
await one.stop();
const events = await writeRunningState(join(location, 'var'), HOSTS, VMS, Math.floor(Date.now() / 1000));
say(`wrote ${events} events`);
const times: Record<'listening' | 'version' | 'pool', number[]> = { listening: [], version: [], pool: [] };
try {
  one = await Oned.start({ location, startTimeoutMs: 600_000 });
  for (let i = 0; i < RESTARTS; i++) {
    await sleep(RUN_S);
    await one.crash();
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    one = await Oned.start({ location, port: one.port, startTimeoutMs: 600_000 });
    times.listening.push(seconds());
    await waitFor('an answer', async () => (await one.call('one.system.version').catch(() => undefined)) !== undefined, 600_000);
    times.version.push(seconds());
    await waitFor('every VM', async () => {
      const doc = (await rawCallMs(one.port, 'one.vmpool.info', [one.session, -2], 1)).last;
      return doc.includes(`&lt;VM&gt;&lt;ID&gt;${VMS - 1}&lt;/ID&gt;`);
    }, 600_000);
    times.pool.push(seconds());
    say(`restart ${i + 1}: listening ${round(times.listening.at(-1)!)} s, every VM ${round(times.pool.at(-1)!)} s`);
  }
} finally {
  await one.stop();
  one.remove();
}

printReport('cold-restart', { hosts: HOSTS, vms: VMS, log_events: events, restarts: RESTARTS, run_before_kill_s: RUN_S, checkpoint_interval_s: CHECKPOINT_S, drivers: 'dummy' }, {
  cold_restart_s: round(percentile(times.pool, 50)),
  cold_restart_s_max: round(Math.max(...times.pool)),
  restart_listening_s: round(percentile(times.listening, 50)),
  restart_first_answer_s: round(percentile(times.version, 50)),
});
