import type Database from 'better-sqlite3';

/**
 * The log's tables. `seq` is assigned by the store (not by AUTOINCREMENT)
 * because the hash of an event covers its own seq, so it must be known
 * before the INSERT.
 */
export const EVENT_LOG_DDL = `
CREATE TABLE IF NOT EXISTS events (
  seq     INTEGER PRIMARY KEY,
  stream  TEXT    NOT NULL,
  version INTEGER NOT NULL,
  type    TEXT    NOT NULL,
  data    TEXT    NOT NULL,
  meta    TEXT,
  ts      INTEGER NOT NULL,
  hash    BLOB    NOT NULL,
  UNIQUE (stream, version)
);
CREATE TABLE IF NOT EXISTS snapshots (
  stream  TEXT PRIMARY KEY,
  version INTEGER,
  state   TEXT
);
`;

const COLUMNS = 'seq, stream, version, type, data, meta, ts, hash';
/**
 * Column order of the replay reads; `event-row.ts` decodes by position. The
 * hash comes back as hex text from SQLite, which is much cheaper than a
 * Buffer per row plus toString('hex') in JS.
 */
const READ_COLUMNS = 'seq, stream, version, type, data, meta, ts, lower(hex(hash))';

/** Every statement the log runs, prepared once. */
export function prepareEventLogStatements(db: Database.Database) {
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    savepoint: db.prepare('SAVEPOINT append_request'),
    release: db.prepare('RELEASE append_request'),
    rollbackTo: db.prepare('ROLLBACK TO append_request'),
    insert: db.prepare(
      `INSERT INTO events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    streamVersion: db.prepare('SELECT MAX(version) AS v FROM events WHERE stream = ?').pluck(),
    last: db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1'),
    readStream: db.prepare(`SELECT ${READ_COLUMNS} FROM events WHERE stream = ? AND version > ? ORDER BY version`).raw(),
    // LIMIT -1 means "no limit" in SQLite, so one statement serves both forms.
    readAll: db.prepare(`SELECT ${READ_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`).raw(),
    walk: db.prepare(`SELECT ${COLUMNS} FROM events WHERE seq > ? ORDER BY seq`),
    eventAt: db.prepare('SELECT stream, lower(hex(hash)) AS hash FROM events WHERE seq = ?'),
    // Covered by the UNIQUE (stream, version) index, whose entries carry the rowid (seq).
    streamVersionsAt: db.prepare('SELECT stream, MAX(version) FROM events WHERE seq <= ? GROUP BY stream').raw(),
    deleteSnapshots: db.prepare('DELETE FROM snapshots'),
    saveSnapshot: db.prepare(
      'INSERT INTO snapshots (stream, version, state) VALUES (?, ?, ?) ' +
        'ON CONFLICT (stream) DO UPDATE SET version = excluded.version, state = excluded.state',
    ),
    loadSnapshot: db.prepare('SELECT stream, version, state FROM snapshots WHERE stream = ?'),
    listSnapshots: db.prepare('SELECT stream, version, state FROM snapshots').raw(),
    // Start-up fold: what evolve needs, plus what the chain check hashes (one pass over the log).
    replay: db.prepare(`SELECT ${READ_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`).raw(),
  };
}

export type EventLogStatements = ReturnType<typeof prepareEventLogStatements>;
