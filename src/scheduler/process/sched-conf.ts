import { readFileSync } from 'node:fs';
import { compileRank, err, isVector, ok, parseTemplateWithLines, vectorValue, type Result } from '../../template/index.ts';
import { formatConfigProblem, type ConfigProblem } from '../../config/parse-oned-conf.ts';
import { debugLevel, integerIn, isProblem, problem, tcpPort, type Check } from '../../config/value-checks.ts';

/**
 * etc/sched.conf, in the 3.x form (mm_sched of 1.4 took only -p and -t):
 *
 *   ONED_PORT = 2633        SCHED_INTERVAL = 30   (the safety-net sweep, s)
 *   MAX_VM = 300            MAX_DISPATCH = 30     MAX_HOST = 1
 *   HYPERVISOR_MEM = 0.1    DEBUG_LEVEL = 3
 *   DEFAULT_SCHED = [ POLICY = 1 ]   0 packing, 1 striping, 2 load-aware,
 *                                    3 custom with RANK = "<expression>"
 *
 * The default policy ranks the VMs that have no RANK of their own.
 */
export interface SchedConf {
  readonly onedPort: number;
  /** Seconds between full sweeps; events trigger passes in between. */
  readonly schedInterval: number;
  /** Pending VMs considered in one pass. */
  readonly maxVm: number;
  /** VMs deployed in one pass. */
  readonly maxDispatch: number;
  /** VMs deployed to one host in one pass. */
  readonly maxHost: number;
  /** Fraction of each host's memory kept for the hypervisor. */
  readonly hypervisorMem: number;
  /** The RANK of VMs that have none. */
  readonly defaultRank: string;
  readonly debugLevel: 0 | 1 | 2 | 3;
}

export const POLICY_RANKS: Readonly<Record<string, string>> = {
  '0': 'RUNNING_VMS',
  '1': '- RUNNING_VMS',
  '2': 'FREE_CPU',
};

export const DEFAULT_SCHED_CONF: SchedConf = {
  onedPort: 2633,
  schedInterval: 30,
  maxVm: 300,
  maxDispatch: 30,
  maxHost: 1,
  hypervisorMem: 0.1,
  defaultRank: POLICY_RANKS['1']!,
  debugLevel: 3,
};

const fraction: Check<number> = (raw) => {
  const n = /^[0-9]*\.?[0-9]+$/.test(raw) ? Number(raw) : NaN;
  return n >= 0 && n < 1 ? n : problem(`must be a number from 0 up to (not including) 1, got ${JSON.stringify(raw)}`);
};

const SCALARS: Readonly<Record<string, { field: keyof SchedConf; check: Check<number> }>> = {
  ONED_PORT: { field: 'onedPort', check: tcpPort },
  SCHED_INTERVAL: { field: 'schedInterval', check: integerIn(1, 86_400) },
  MAX_VM: { field: 'maxVm', check: integerIn(1, 10_000_000) },
  MAX_DISPATCH: { field: 'maxDispatch', check: integerIn(1, 10_000_000) },
  MAX_HOST: { field: 'maxHost', check: integerIn(1, 10_000_000) },
  HYPERVISOR_MEM: { field: 'hypervisorMem', check: fraction },
  DEBUG_LEVEL: { field: 'debugLevel', check: debugLevel },
};

/** Pure: reads the text, reports every problem with its line. Unset keys keep their defaults. */
export function parseSchedConf(text: string, file: string): Result<SchedConf, ConfigProblem[]> {
  const parsed = parseTemplateWithLines(text, { mode: 'multi' });
  if (!parsed.ok) return err([{ file, line: parsed.error.line, message: `syntax error: ${parsed.error.message}` }]);
  const conf: Record<string, unknown> = { ...DEFAULT_SCHED_CONF };
  const problems: ConfigProblem[] = [];
  parsed.value.template.attributes.forEach((attribute, index) => {
    const line = parsed.value.lines[index]!;
    const report = (message: string) => problems.push({ file, line, message: `${attribute.name}: ${message}` });
    if (attribute.name === 'DEFAULT_SCHED') {
      if (!isVector(attribute)) return report('must be a vector, e.g. DEFAULT_SCHED = [ POLICY = 1 ]');
      const rank = defaultRankOf(vectorValue(attribute, 'POLICY') ?? '1', vectorValue(attribute, 'RANK'));
      return typeof rank === 'string' ? void (conf.defaultRank = rank) : report(rank.problem);
    }
    const spec = SCALARS[attribute.name];
    if (spec === undefined) return report('unknown key');
    if (isVector(attribute)) return report('must be a single value, not a vector');
    const value = spec.check(attribute.value);
    if (isProblem(value)) return report(value.problem);
    conf[spec.field] = value;
  });
  return problems.length > 0 ? err(problems) : ok(conf as unknown as SchedConf);
}

function defaultRankOf(policy: string, rank: string | undefined): string | { problem: string } {
  if (policy === '3') {
    if (rank === undefined || rank.trim() === '') return { problem: 'POLICY = 3 (custom) needs RANK = "<expression>"' };
    const compiled = compileRank(rank);
    return compiled.ok ? rank : { problem: `RANK: ${compiled.error.message}` };
  }
  return POLICY_RANKS[policy] ?? { problem: `POLICY must be 0 (packing), 1 (striping), 2 (load-aware) or 3 (custom), got ${JSON.stringify(policy)}` };
}

/** A missing file means the defaults; a bad one throws the problems, one per line. */
export function loadSchedConf(file: string): SchedConf {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_SCHED_CONF;
    throw e;
  }
  const parsed = parseSchedConf(text, file);
  if (!parsed.ok) throw new Error(parsed.error.map(formatConfigProblem).join('\n'));
  return parsed.value;
}
