import type { EventLog } from '../actors/ports.ts';
import { dbPassword, type DbConfig } from '../config/db-config.ts';
import type { LogWriteError } from '../events/log-write-error.ts';
import { openPostgresEventLog } from '../store/postgres-event-log.ts';
import type { PgConnection } from '../store/postgres-schema.ts';
import { openEventLog } from '../store/sqlite-event-log.ts';
import { databaseProblem } from './startup-checks.ts';

/** The PostgreSQL connection oned.conf's DB names, password resolved (file, variable). */
export function pgConnectionOf(db: Extract<DbConfig, { backend: 'postgresql' }>, env: NodeJS.ProcessEnv = process.env): PgConnection {
  return { host: db.server, port: db.port, user: db.user, password: dbPassword(db, env), database: db.database };
}

/** Where the log lives, for messages: the SQLite file or the PostgreSQL database. */
export function describeLog(db: DbConfig | undefined, sqlitePath: string): string {
  return db?.backend === 'postgresql' ? `PostgreSQL database ${db.database} on ${db.server}:${db.port}` : sqlitePath;
}

/**
 * Opens the event log oned.conf's DB names: var/one.db by default, or a
 * PostgreSQL database. A failure becomes one line for the operator (the
 * file or the server named, and what went wrong).
 */
export async function openConfiguredLog(
  db: DbConfig | undefined,
  sqlitePath: string,
  options: { onWriteState?: (failure: LogWriteError | undefined) => void; onEpochLost?: (epoch: number) => void } = {},
): Promise<EventLog> {
  if (db?.backend !== 'postgresql') {
    try {
      return openEventLog(sqlitePath, { onWriteState: options.onWriteState });
    } catch (e) {
      throw new Error(databaseProblem(sqlitePath, e), { cause: e });
    }
  }
  const connection = pgConnectionOf(db);
  try {
    return await openPostgresEventLog(connection, options);
  } catch (e) {
    const reason = e instanceof Error ? e.message || (e as { code?: string }).code || e.name : String(e);
    throw new Error(`cannot open the event log in ${describeLog(db, sqlitePath)} as ${db.user}: ${reason}`, { cause: e });
  }
}
