import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { UserView } from './views.ts';

/**
 * Session check for `user:sha1hex(password)` strings (spec §3.2). We never
 * store the SHA-1 token itself: the user stream holds a salted scrypt hash
 * of it, `scrypt$N$r$p$<salt b64>$<key b64>`. scrypt is slow by design, so
 * successful verifications are cached (keyed by SHA-256 of the session) and
 * revalidated on every hit against the user's current stream version and
 * hash: any password change, enable/disable or delete invalidates the entry.
 */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** ~50–100 ms on a server core; tests pass cheaper parameters. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
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
  /** The slow check; injectable for tests. Default verifyPassword. */
  readonly verify?: (token: string, stored: string) => Promise<boolean>;
}

export class Authenticator {
  private readonly cache = new Map<string, CachedSession>();
  private readonly inFlight = new Map<string, Promise<number | undefined>>();
  private readonly cacheSize: number;
  private readonly maxRunning: number;
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private readonly verifyToken: (token: string, stored: string) => Promise<boolean>;

  constructor(private readonly users: UserDirectory, options: AuthenticatorOptions = {}) {
    this.cacheSize = options.cacheSize ?? 10_000;
    this.maxRunning = options.maxConcurrentVerifications ?? 2;
    this.verifyToken = options.verify ?? verifyPassword;
  }

  /** Resolves with the caller's uid, or undefined (unknown user, bad password, disabled). */
  authenticate(session: string): Promise<number | undefined> {
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
    const verification = this.verify(session, key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, verification);
    return verification;
  }

  /** Number of sessions currently cached (for tests and metrics). */
  get cachedSessions(): number {
    return this.cache.size;
  }

  private async verify(session: string, key: string): Promise<number | undefined> {
    const colon = session.indexOf(':');
    if (colon <= 0) return undefined;
    const user = this.users.userByName(session.slice(0, colon));
    if (!user || !user.enabled) return undefined;
    if (!(await this.limited(() => this.verifyToken(session.slice(colon + 1), user.passwordHash)))) return undefined;
    // The user may have changed while scrypt ran; only cache what is still current.
    const now = this.users.user(user.id);
    if (!now || !now.enabled || now.version !== user.version) return undefined;
    this.cache.set(key, { uid: user.id, version: user.version, passwordHash: user.passwordHash });
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    return user.id;
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so no newcomer can slip in between.
    if (this.running >= this.maxRunning) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }
}
