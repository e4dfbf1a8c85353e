import pg from 'pg';
import { LEADER_LOCK, pgConfig, type PgConnection } from '../store/postgres-schema.ts';

/** A paused leader loses the lock after this long without a heartbeat; a standby then takes over. */
const LEASE_S = 3;
const HEARTBEAT_MS = 1000;

/**
 * The leader lock of front-ends sharing one PostgreSQL database: an
 * advisory lock held inside an open transaction on a dedicated
 * connection. The leader sends a heartbeat every second; the server ends a
 * session idle in its transaction for LEASE_S seconds
 * (idle_in_transaction_session_timeout), which releases the lock. So a
 * leader that dies releases it at once (its connection closes), and one
 * that is paused (SIGSTOP, a frozen VM) or cut off releases it within
 * LEASE_S seconds. The lock alone cannot stop a paused leader that wakes
 * up from writing: the epoch check of every append does
 * (PostgresEventLog.claim).
 */
export class Leadership {
  private client: pg.Client | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private held = false;

  constructor(
    private readonly connection: PgConnection,
    /** Told once when a held lock is lost (the session ended). */
    private readonly onLost: (reason: string) => void,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Takes the lock if nobody holds it; false when another front-end does or the database is away. */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    try {
      const client = await this.connected();
      await client.query('BEGIN');
      await client.query(`SET LOCAL idle_in_transaction_session_timeout = '${LEASE_S}s'`);
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [LEADER_LOCK]);
      if (!rows[0]!.ok) {
        await client.query('ROLLBACK');
        return false;
      }
      this.held = true;
      this.heartbeat = setInterval(() => void client.query('SELECT 1').catch((e: unknown) => this.lose(client, e)), HEARTBEAT_MS);
      return true;
    } catch {
      const broken = this.client;
      this.drop();
      void broken?.end().catch(() => {});
      return false;
    }
  }

  /** Releases the lock (a clean stop) and closes the connection. */
  async release(): Promise<void> {
    const client = this.client;
    this.drop();
    await client?.end().catch(() => {});
  }

  private async connected(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client(pgConfig(this.connection));
    client.on('error', (e) => this.lose(client, e));
    this.client = client;
    await client.connect();
    return client;
  }

  private lose(client: pg.Client, e: unknown): void {
    if (this.client !== client) return;
    const wasHeld = this.held;
    this.drop();
    void client.end().catch(() => {});
    if (wasHeld) this.onLost(e instanceof Error ? e.message : String(e));
  }

  private drop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.held = false;
    this.client = undefined;
  }
}
