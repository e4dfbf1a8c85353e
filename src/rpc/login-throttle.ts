/**
 * Failed-login bookkeeping: the backoff the README calls the login throttle.
 *
 * Every password check that fails counts once against the client address
 * and once against the user name it named (known or not, so the throttle
 * itself tells nothing about which names exist). A key may have at most
 * `concurrent` checks in progress, and at most `failures` failures plus
 * checks in progress; from its `failures`-th
 * failure on it is blocked for `baseDelayMs`, doubled at each further
 * failure up to `maxDelayMs`. A blocked key's attempts are refused at once,
 * without a password check, so a flood costs no scrypt work. Once the block
 * has run out one check at a time goes through: a failure blocks again for
 * twice as long, a success clears the key. A key's failures are forgotten
 * `forgetAfterMs` after its last one.
 */
export interface ThrottlePolicy {
  readonly failures: number;
  readonly concurrent: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly forgetAfterMs: number;
  /** Most keys remembered; the oldest idle one goes first. Bounds memory against address spraying. */
  readonly maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  failures: 10,
  concurrent: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  forgetAfterMs: 15 * 60_000,
  maxKeys: 100_000,
};

export type CheckOutcome = 'success' | 'failure' | 'not-checked';

interface KeyState {
  failures: number;
  lastFailure: number;
  blockedUntil: number;
  /** Checks admitted and not settled yet. */
  pending: number;
}

export class LoginThrottle {
  private readonly keys = new Map<string, KeyState>();
  private readonly policy: ThrottlePolicy;

  constructor(policy: Partial<ThrottlePolicy> = {}, private readonly now: () => number = Date.now) {
    this.policy = { ...DEFAULT_THROTTLE, ...policy };
  }

  /** Reserves one check for every key, or none when any of them is refused. Pair with `settle`. */
  admit(keys: readonly string[]): boolean {
    const now = this.now();
    if (!keys.every((key) => this.allows(this.current(key, now), now))) return false;
    for (const key of keys) this.stateOf(key).pending++;
    return true;
  }

  /** Records the outcome of an admitted check. */
  settle(keys: readonly string[], outcome: CheckOutcome): void {
    const now = this.now();
    for (const key of keys) {
      const state = this.keys.get(key);
      if (!state) continue;
      state.pending--;
      if (outcome === 'success') {
        state.failures = 0;
        state.blockedUntil = 0;
      } else if (outcome === 'failure') {
        state.failures++;
        state.lastFailure = now;
        const over = state.failures - this.policy.failures;
        if (over >= 0) state.blockedUntil = now + Math.min(this.policy.baseDelayMs * 2 ** over, this.policy.maxDelayMs);
        // Re-insert: the map's order is the eviction order, oldest failure first.
        this.keys.delete(key);
        this.keys.set(key, state);
      }
      if (state.pending === 0 && state.failures === 0) this.keys.delete(key);
    }
  }

  /** Milliseconds until `key` may be tried again (0 when it may now); for tests and logs. */
  blockedFor(key: string): number {
    const now = this.now();
    return Math.max(0, (this.current(key, now)?.blockedUntil ?? 0) - now);
  }

  private allows(state: KeyState | undefined, now: number): boolean {
    if (!state) return true;
    if (state.failures < this.policy.failures) {
      return state.pending < this.policy.concurrent && state.failures + state.pending < this.policy.failures;
    }
    return now >= state.blockedUntil && state.pending === 0;
  }

  /** The key's state, after forgetting failures that are old enough. */
  private current(key: string, now: number): KeyState | undefined {
    const state = this.keys.get(key);
    if (state && state.pending === 0 && now - state.lastFailure >= this.policy.forgetAfterMs) {
      this.keys.delete(key);
      return undefined;
    }
    return state;
  }

  private stateOf(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      if (this.keys.size >= this.policy.maxKeys) this.evictOne();
      state = { failures: 0, lastFailure: 0, blockedUntil: 0, pending: 0 };
      this.keys.set(key, state);
    }
    return state;
  }

  private evictOne(): void {
    for (const [key, state] of this.keys) {
      if (state.pending === 0) {
        this.keys.delete(key);
        return;
      }
    }
  }
}
