import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { LogWriteError } from '../../../src/events/log-write-error.ts';
import { EVENT_LOG_DDL } from '../../../src/store/event-log-schema.ts';
import { SqliteEventLog } from '../../../src/store/sqlite-event-log.ts';

/**
 * An event log on a real SQLite file whose size the test controls:
 * `full(true)` caps the database at its current page count (PRAGMA
 * max_page_count), so the next commit that needs a page fails with
 * SQLITE_FULL, "database or disk is full", exactly as on a full file system;
 * `full(false)` gives it room again.
 */
export function cappedLog(path: string, onWriteState?: (failure: LogWriteError | undefined) => void) {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(EVENT_LOG_DDL);
  const log = new SqliteEventLog(db, { onWriteState });
  const full = (on: boolean) => {
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${on ? pages : 1_000_000}`);
  };
  return { log, full };
}
