import Database from 'better-sqlite3';
import type { EventLog } from '../../../src/actors/ports.ts';
import { openEventLog, type EventLogOptions } from '../../../src/store/sqlite-event-log.ts';
import { openPostgresEventLog } from '../../../src/store/postgres-event-log.ts';
import { PgCluster } from '../../helpers/pg-cluster.ts';
import { tempDir } from './temp-dir.ts';

/** Options both logs take. */
export type LogOptions = Pick<EventLogOptions, 'nowMs' | 'followPageSize'>;

/** One empty log's storage: open it (again), or change it behind the log's back. */
export interface LogStore {
  open(options?: LogOptions): Promise<EventLog>;
  /** Runs SQL on the storage directly, as a tamperer or an outside writer would. */
  sql(statement: string): Promise<void>;
}

/** A backend the contract suite runs against: a fresh empty store per call. */
export interface Backend {
  readonly name: string;
  /** Runs before the suite (e.g. starts a cluster). */
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  fresh(): Promise<LogStore>;
  /** Can several processes write and follow the same log (PostgreSQL), or does one process own it (SQLite)? */
  readonly sharedByProcesses: boolean;
  /** How many fast-check runs a property gets here (PostgreSQL runs are slower). */
  readonly runs: (sqliteRuns: number) => number;
}

export function sqliteBackend(): Backend {
  const tmp = tempDir('contract');
  return {
    name: 'SQLite',
    sharedByProcesses: false,
    setUp: async () => {},
    tearDown: async () => tmp.cleanup(),
    runs: (n) => n,
    fresh: async () => {
      const path = tmp.path();
      return {
        open: async (options) => openEventLog(path, options),
        sql: async (statement) => {
          const db = new Database(path);
          try {
            db.exec(statement);
          } finally {
            db.close();
          }
        },
      };
    },
  };
}

export function postgresBackend(): Backend {
  let cluster: PgCluster | undefined;
  let n = 0;
  return {
    name: 'PostgreSQL',
    sharedByProcesses: true,
    setUp: async () => {
      cluster = await PgCluster.start();
    },
    tearDown: async () => cluster?.stop(),
    runs: (runs) => Math.max(5, Math.ceil(runs / 4)),
    fresh: async () => {
      const c = cluster!;
      const database = await c.createDatabase(`contract_${process.pid}_${n++}`);
      const connection = { host: c.host, port: c.port, user: c.user, password: c.password, database };
      return {
        open: (options) => openPostgresEventLog(connection, options),
        sql: async (statement) => {
          const client = c.client(database);
          await client.connect();
          try {
            await client.query(statement);
          } finally {
            await client.end();
          }
        },
      };
    },
  };
}
