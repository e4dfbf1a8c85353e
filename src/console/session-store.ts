import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A logged-in browser: the API session it acts with, and the token every POST must echo. */
export interface ConsoleSession {
  /** The cookie value. */
  readonly token: string;
  /** Sent back by the page in X-CSRF-Token; never in a cookie, so another site cannot make the browser send it. */
  readonly csrf: string;
  /** `user:sha1(password)`, exactly what an XML-RPC client sends as its session string. */
  readonly apiSession: string;
  readonly uid: number;
  readonly user: string;
  lastUsed: number;
}

const randomToken = (): string => randomBytes(32).toString('base64url');

/**
 * Console sessions, in memory: a restart of oned logs everybody out, which
 * is the safe way round. Idle sessions expire; past `max`, the least
 * recently used one goes, so that logins cannot grow memory without bound.
 */
export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(
    private readonly idleMs = 8 * 3600_000,
    private readonly max = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  create(apiSession: string, uid: number, user: string): ConsoleSession {
    const session: ConsoleSession = { token: randomToken(), csrf: randomToken(), apiSession, uid, user, lastUsed: this.now() };
    this.sessions.set(session.token, session);
    if (this.sessions.size > this.max) this.sessions.delete(this.sessions.keys().next().value as string);
    return session;
  }

  /** The live session of a cookie value, touched (most recently used goes last); undefined when unknown or expired. */
  get(token: string | undefined): ConsoleSession | undefined {
    if (token === undefined) return undefined;
    const session = this.sessions.get(token);
    if (!session) return undefined;
    this.sessions.delete(token);
    if (this.now() - session.lastUsed > this.idleMs) return undefined;
    session.lastUsed = this.now();
    this.sessions.set(token, session);
    return session;
  }

  delete(token: string): void {
    this.sessions.delete(token);
  }

  /** Constant-time comparison of the X-CSRF-Token header with the session's token. */
  static csrfMatches(session: ConsoleSession, header: string | string[] | undefined): boolean {
    if (typeof header !== 'string') return false;
    const [a, b] = [Buffer.from(header), Buffer.from(session.csrf)];
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
