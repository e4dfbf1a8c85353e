/**
 * Crash safety under load: a real oned (dummy drivers, SNAPSHOT_INTERVAL = 5,
 * CHECKPOINT_INTERVAL = 1) killed with SIGKILL at seeded random moments — every
 * fifth cycle a clean SIGTERM — while three clients allocate VMs, hosts,
 * networks and users and act on them; after each restart every acknowledged
 * write is checked (test/helpers/crash-cycles.ts, the same cycles as the e2e
 * crash test).
 *
 * Figures: acknowledged_lost (must be 0: acknowledged writes not visible or
 * whose effect went back), ids_reused, restart_s_p50 / restart_s_max (spawn of
 * oned until its first answered call), events_replayed (the M of oned.log's
 * "Rebuilt N entities from M events", summed over all restarts; the _p50 and
 * _max figures are per restart), log_events (the log's length at the end).
 *
 *   node --import tsx bench/crash.ts [--small] [--seed=N]
 * Progress and any problem go to stderr; the last stdout line is the JSON report.
 * Exits 1 when a write was lost (driver_failures, VMs failed by a driver that
 * missed its start-up deadline on an overloaded machine, are reported, not counted).
 */
import { runCrashCycles } from '../test/helpers/crash-cycles.ts';
import { isSmallRun, percentile, printReport } from './lib/report.ts';

const small = isSmallRun();
const cycles = small ? 4 : 200;
const seedArg = process.argv.find((a) => a.startsWith('--seed='));
const seed = Number(seedArg?.slice('--seed='.length) ?? process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const progress = (line: string) => process.stderr.write(`[crash bench] ${line}\n`);
const round2 = (n: number) => Math.round(n * 100) / 100;

progress(`seed ${seed} (replay with --seed=${seed}), ${cycles} cycles`);
const r = await runCrashCycles({ cycles, seed, progress });
if (r.location) progress(`ONE_LOCATION kept at ${r.location}`);
progress(`refused calls: ${JSON.stringify(r.refusals)}`);

const count = (what: string) => r.problems.filter((p) => p.what === what).length;
printReport(
  'crash',
  { cycles, kills: r.kills, clean_stops: r.cleanStops, clients: 3, snapshot_interval: 5, checkpoint_interval_s: 1, seed },
  {
    acknowledged_lost: count('lost') + count('regressed'),
    ids_reused: count('reused'),
    unasked_entities: count('ghost'),
    driver_failures: count('driver-failure'),
    acknowledged_writes: r.acknowledged,
    restart_s_p50: round2(percentile(r.restartS, 50)),
    restart_s_max: round2(Math.max(...r.restartS)),
    events_replayed: r.eventsReplayed.reduce((a, b) => a + b, 0),
    events_replayed_p50: percentile(r.eventsReplayed, 50),
    events_replayed_max: Math.max(...r.eventsReplayed),
    log_events: r.logEvents.at(-1) ?? 0,
  },
);
if (r.problems.some((p) => p.what !== 'driver-failure')) process.exitCode = 1;
