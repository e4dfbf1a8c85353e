import pg from 'pg';

/**
 * The log's tables on PostgreSQL: the same columns as on SQLite. `data` and
 * `meta` stay TEXT (not jsonb), because the hash covers their exact
 * canonical text. `log_head` is a single row that every group commit locks
 * (SELECT … FOR UPDATE): it serialises writers, so seq is gap-free and in
 * commit order, and it carries the chain tip, the leader epoch and the
 * leader's XML-RPC endpoint.
 */
export const POSTGRES_DDL = `
CREATE TABLE IF NOT EXISTS events (
  seq     BIGINT  PRIMARY KEY,
  stream  TEXT    NOT NULL,
  version INTEGER NOT NULL,
  type    TEXT    NOT NULL,
  data    TEXT    NOT NULL,
  meta    TEXT,
  ts      BIGINT  NOT NULL,
  hash    BYTEA   NOT NULL,
  UNIQUE (stream, version)
);
CREATE TABLE IF NOT EXISTS snapshots (
  stream  TEXT PRIMARY KEY,
  version INTEGER,
  state   TEXT
);
CREATE TABLE IF NOT EXISTS log_head (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  seq   BIGINT  NOT NULL,
  hash  BYTEA   NOT NULL,
  epoch BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO log_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex')) ON CONFLICT (id) DO NOTHING;
ALTER TABLE log_head ADD COLUMN IF NOT EXISTS leader TEXT NOT NULL DEFAULT '';
`;

/** The advisory lock the leading front-end holds (src/main/pg-leadership.ts). */
export const LEADER_LOCK = 5172014;

/** The channel a commit notifies (payload: the new tip seq), for followers in other processes. */
export const NOTIFY_CHANNEL = 'one_events';

/** Column order of every event read; `event-row.ts` decodes by position. */
export const PG_READ_COLUMNS = "seq, stream, version, type, data, meta, ts, encode(hash, 'hex')";

/** BIGINT (oid 20) comes back as a JS number: seq and ts stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** How to reach the database: oned.conf's DB = [ SERVER, PORT, USER, PASSWD, DB_NAME ]. */
export interface PgConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export function pgConfig(c: PgConnection): pg.ClientConfig {
  return { host: c.host, port: c.port, user: c.user, password: c.password, database: c.database, types, connectionTimeoutMillis: 5000 };
}

export function openPool(c: PgConnection, max = 4): pg.Pool {
  const pool = new pg.Pool({ ...pgConfig(c), max, idleTimeoutMillis: 30_000 });
  // An idle client whose server went away must not take the process down; the next query reports it.
  pool.on('error', () => {});
  return pool;
}
