/**
 * Decides which dummy actions fail: every id in `ids`, plus a seeded random
 * share `rate` of the rest, so a failing run can be replayed with its seed.
 */
export interface FailureSettings {
  readonly rate: number;
  readonly seed: number;
  readonly ids: ReadonlySet<number>;
  /** Verbs the injection applies to; empty = all. */
  readonly verbs: ReadonlySet<string>;
}

export class FailureInjector {
  private state: number;

  constructor(private readonly settings: FailureSettings) {
    this.state = settings.seed >>> 0;
  }

  shouldFail(verb: string, id: number): boolean {
    if (this.settings.verbs.size > 0 && !this.settings.verbs.has(verb)) return false;
    if (this.settings.ids.has(id)) return true;
    return this.settings.rate > 0 && this.next() < this.settings.rate;
  }

  /** mulberry32: tiny, fast, good enough for failure injection. */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** Reads `<PREFIX>_FAIL_RATE`, `_FAIL_SEED`, `_FAIL_IDS`, `_FAIL_ACTIONS` from the environment. */
export function failureSettingsFromEnv(prefix: string, env: NodeJS.ProcessEnv): FailureSettings {
  const list = (name: string) => (env[name] ?? '').split(/[\s,]+/).filter((s) => s !== '');
  const rate = Number(env[`${prefix}_FAIL_RATE`] ?? 0);
  return {
    rate: Number.isFinite(rate) ? Math.min(1, Math.max(0, rate)) : 0,
    seed: Number(env[`${prefix}_FAIL_SEED`] ?? 0) || 0,
    ids: new Set(list(`${prefix}_FAIL_IDS`).map(Number).filter(Number.isInteger)),
    verbs: new Set(list(`${prefix}_FAIL_ACTIONS`).map((v) => v.toUpperCase())),
  };
}
