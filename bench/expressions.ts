/**
 * REQUIREMENTS and RANK evaluations per second against Map-backed host
 * lookups: compiled closures (what the scheduler runs per host) against the
 * AST interpreter and against parsing the text for every host.
 *   node --import tsx bench/expressions.ts [--small]
 * Human-readable lines go to stderr; the last stdout line is the JSON report.
 */
import { compileRank, compileRequirements } from '../src/template/expressions/compile.ts';
import { evaluateRank, computeRank, parseRank } from '../src/template/expressions/rank.ts';
import {
  evaluateRequirements,
  matchRequirements,
  parseRequirements,
  type AttributeLookup,
} from '../src/template/expressions/requirements.ts';
import { seededRandom } from '../test/helpers/seeded-random.ts';
import { isSmallRun, perSecond, printReport } from './lib/report.ts';

const REQUIREMENTS = 'HYPERVISOR = "kvm*" & FREE_MEM >= 1048576 & RUNNING_VMS < 10';
const RANK = 'FREE_CPU - RUNNING_VMS * 10';

const small = isSmallRun();
const hostCount = 1_000;
/** Evaluations per measured variant; parsing per host is ~100× slower, so it gets fewer. */
const evaluations = small ? 20_000 : 2_000_000;

function makeHosts(): AttributeLookup[] {
  const random = seededRandom(7);
  const hypervisors = ['kvm', 'kvm-qemu', 'xen', 'vmware'];
  return Array.from({ length: hostCount }, (_, i) => {
    const map = new Map<string, string>([
      ['NAME', `node${i}`],
      ['HYPERVISOR', hypervisors[Math.floor(random() * hypervisors.length)]!],
      ['FREE_MEM', String(Math.floor(random() * 4_194_304))],
      ['FREE_CPU', String(Math.floor(random() * 800))],
      ['RUNNING_VMS', String(Math.floor(random() * 20))],
    ]);
    return (name: string) => map.get(name);
  });
}

/** Runs `evaluate` over the hosts round-robin; returns evaluations per second. */
function measure(label: string, count: number, hosts: readonly AttributeLookup[], evaluate: (lookup: AttributeLookup) => unknown): number {
  let sink = 0;
  for (let i = 0; i < Math.min(count, 10_000); i++) sink += Number(evaluate(hosts[i % hosts.length]!));
  const start = performance.now();
  for (let i = 0; i < count; i++) sink += Number(evaluate(hosts[i % hosts.length]!));
  const rate = perSecond(count, performance.now() - start);
  process.stderr.write(`${label}: ${rate.toLocaleString('en')} evaluations/s (checksum ${sink})\n`);
  return rate;
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const hosts = makeHosts();
const requirementsAst = unwrap(parseRequirements(REQUIREMENTS));
const rankAst = unwrap(parseRank(RANK));
const requirements = unwrap(compileRequirements(REQUIREMENTS));
const rank = unwrap(compileRank(RANK));

const figures = {
  requirements_compiled_per_s: measure('REQUIREMENTS compiled', evaluations, hosts, requirements),
  requirements_interpreted_per_s: measure('REQUIREMENTS interpreted', evaluations, hosts, (l) => evaluateRequirements(requirementsAst, l)),
  requirements_parsed_each_time_per_s: measure('REQUIREMENTS parsed per host', evaluations / 10, hosts, (l) => matchRequirements(REQUIREMENTS, l).ok),
  rank_compiled_per_s: measure('RANK compiled', evaluations, hosts, rank),
  rank_interpreted_per_s: measure('RANK interpreted', evaluations, hosts, (l) => evaluateRank(rankAst, l)),
  rank_parsed_each_time_per_s: measure('RANK parsed per host', evaluations / 10, hosts, (l) => computeRank(RANK, l).ok),
};

printReport('expressions', { requirements: REQUIREMENTS, rank: RANK, hosts: hostCount, evaluations }, figures);
