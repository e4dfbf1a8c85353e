import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { FairLimiter } from './fair-limiter.ts';
import { LoginThrottle, type CheckOutcome, type ThrottlePolicy } from './login-throttle.ts';
import type { UserView } from './views.ts';

/**
 * Session check for `user:sha1hex(password)` strings (spec §3.2). We never
 * store the SHA-1 token itself: the user stream holds a salted scrypt hash
 * of it, `scrypt$N$r$p$<salt b64>$<key b64>`. scrypt is slow by design, so
 * successful verifications are cached (keyed by SHA-256 of the session) and
 * revalidated on every hit against the user's current stream version and
 * hash: any password change, enable/disable or delete invalidates the entry.
 *
 * Against password floods and name probing: an unknown or disabled user
 * costs the same scrypt run as a wrong password (against a dummy hash of the
 * same cost); slow checks run in a small bounded FairLimiter, fair between
 * client addresses; and failures feed the LoginThrottle (login-throttle.ts).
 */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** ~50–100 ms on a server core; tests pass cheaper parameters. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const REFUSAL_STEP_MS = 10;
const SALT_LENGTH = 16;

const scryptAsync = (token: string, salt: Buffer, params: ScryptParams): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(token, salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r + (1 << 20) }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );

/** Hashes a session token (the SHA-1 hex sent by clients) for storage. */
export async function hashPassword(token: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(token, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(token: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20 || r > 64 || p > 16) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await scryptAsync(token, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}

/** The two lookups authentication needs (a slice of CorePort). */
export interface UserDirectory {
  user(uid: number): UserView | undefined;
  userByName(name: string): UserView | undefined;
}

interface CachedSession {
  readonly uid: number;
  readonly version: number;
  readonly passwordHash: string;
}

export interface AuthenticatorOptions {
  /** Most sessions remembered at once (least recently used evicted). */
  readonly cacheSize?: number;
  /**
   * scrypt runs allowed at once. Bounded so that a flood of bad sessions
   * cannot occupy the whole libuv pool; cached sessions never wait.
   */
  readonly maxConcurrentVerifications?: number;
  /** Slow checks allowed to wait for a slot; past that a new one is refused at once. Default 64. */
  readonly maxWaitingVerifications?: number;
  /** Cost of the dummy hash that unknown users are checked against: the cost new hashes get. */
  readonly scrypt?: ScryptParams;
  /** Backoff after failed logins (defaults in DEFAULT_THROTTLE). */
  readonly throttle?: Partial<ThrottlePolicy>;
  /** Clock of the throttle; injectable for tests. */
  readonly now?: () => number;
  /** The slow check; injectable for tests. Default verifyPassword. */
  readonly verify?: (token: string, stored: string) => Promise<boolean>;
}

/** A well-formed hash that no token matches: a random key under a random salt. */
function dummyHash(params: ScryptParams): string {
  const [salt, key] = [randomBytes(SALT_LENGTH), randomBytes(KEY_LENGTH)].map((b) => b.toString('base64'));
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt}$${key}`;
}

export class Authenticator {
  private readonly cache = new Map<string, CachedSession>();
  private readonly inFlight = new Map<string, Promise<number | undefined>>();
  /** Throttled attempts being held back, per client address. */
  private readonly refusing = new Map<string, number>();
  private readonly cacheSize: number;
  private readonly limiter: FairLimiter;
  private readonly throttle: LoginThrottle;
  private readonly dummyHash: string;
  private readonly verifyToken: (token: string, stored: string) => Promise<boolean>;

  constructor(private readonly users: UserDirectory, options: AuthenticatorOptions = {}) {
    this.cacheSize = options.cacheSize ?? 10_000;
    // One slot at most per client address: another client always finds one free, or free soon.
    this.limiter = new FairLimiter(options.maxConcurrentVerifications ?? 2, options.maxWaitingVerifications ?? 64, 1);
    this.throttle = new LoginThrottle(options.throttle, options.now);
    this.dummyHash = dummyHash(options.scrypt ?? DEFAULT_SCRYPT);
    this.verifyToken = options.verify ?? verifyPassword;
  }

  /**
   * Resolves with the caller's uid, or undefined (unknown user, bad password,
   * disabled, throttled, or too many checks waiting). `client` is the
   * caller's address, for fairness and the throttle.
   */
  authenticate(session: string, client = ''): Promise<number | undefined> {
    const key = createHash('sha256').update(session).digest('base64');
    const hit = this.cache.get(key);
    if (hit) {
      const user = this.users.user(hit.uid);
      if (user && user.enabled && user.version === hit.version && user.passwordHash === hit.passwordHash) {
        this.cache.delete(key); // re-insert: most recently used goes last
        this.cache.set(key, hit);
        return Promise.resolve(hit.uid);
      }
      this.cache.delete(key);
    }
    // Many concurrent calls from one new client share one scrypt run.
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const verification = this.verify(session, key, client).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, verification);
    return verification;
  }

  /**
   * A throttled attempt is answered after 10 ms for each refusal of its
   * client already waiting, plus 10 ms, at most 1 s. A client retrying now
   * and then hardly waits; one flooding over many connections slows itself
   * down, instead of taking the CPU that other clients' checks need.
   */
  private async refuse(client: string): Promise<undefined> {
    const waiting = this.refusing.get(client) ?? 0;
    this.refusing.set(client, waiting + 1);
    await new Promise((resolve) => setTimeout(resolve, Math.min(REFUSAL_STEP_MS * (waiting + 1), 1_000)));
    const left = this.refusing.get(client)! - 1;
    if (left > 0) this.refusing.set(client, left);
    else this.refusing.delete(client);
    return undefined;
  }

  /** Number of sessions currently cached (for tests and metrics). */
  get cachedSessions(): number {
    return this.cache.size;
  }

  private async verify(session: string, key: string, client: string): Promise<number | undefined> {
    const colon = session.indexOf(':');
    if (colon <= 0) return undefined; // says nothing about any user: no check to pay for
    const name = session.slice(0, colon);
    const keys = [`address ${client}`, `user ${createHash('sha256').update(name).digest('base64')}`];
    if (!this.throttle.admit(keys)) return this.refuse(client);
    let outcome: CheckOutcome = 'not-checked';
    try {
      const user = this.users.userByName(name);
      const checked = this.limiter.run(client, () => this.verifyToken(session.slice(colon + 1), user?.passwordHash ?? this.dummyHash));
      if (!checked) return undefined;
      const matches = await checked;
      if (!matches || !user || !user.enabled) {
        outcome = 'failure';
        return undefined;
      }
      // The user may have changed while scrypt ran; only accept and cache what is still current.
      const now = this.users.user(user.id);
      if (!now || !now.enabled || now.version !== user.version) return undefined;
      outcome = 'success';
      this.cache.set(key, { uid: user.id, version: user.version, passwordHash: user.passwordHash });
      if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
      return user.id;
    } finally {
      this.throttle.settle(keys, outcome);
    }
  }
}
