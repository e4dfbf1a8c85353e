/**
 * The event-log contract (event-log-contract.ts) on both backends: SQLite
 * files, and a private PostgreSQL cluster started for this file.
 */
import { postgresBackend, sqliteBackend } from './event-log-backends.ts';
import { describeEventLogContract } from './event-log-contract.ts';

describeEventLogContract(sqliteBackend());
describeEventLogContract(postgresBackend());
