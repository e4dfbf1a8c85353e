/**
 * onedb — moves an installation's event log between backends.
 *
 *   onedb copy --to postgresql [--from var/one.db]
 *
 * copies the SQLite log (every event with its hash, and the snapshots)
 * into the PostgreSQL database that oned.conf's DB = [ BACKEND =
 * "postgresql", … ] names, which must be empty; then reads the copy back
 * and verifies its hash chain. Stop oned first, or copy from a backup: a
 * copy is one consistent instant of the log, and what oned writes after it
 * is not in it. ONE_LOCATION as for oned.
 */
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadOnedConf } from '../config/load-oned-conf.ts';
import { onedConfPath, resolveLayout } from '../config/layout.ts';
import { EXIT_USAGE, parseTool, runTool } from '../audit/run-tool.ts';
import { copySqliteToPostgres } from '../store/copy-log.ts';
import { openPostgresEventLog } from '../store/postgres-event-log.ts';
import { describeLog, pgConnectionOf } from './open-configured-log.ts';

async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const layout = resolveLayout(process.env);
  const program = new Command('onedb')
    .description("moves oned's event log between backends")
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s.replace(/^error: /, 'Error: ')) });
  program
    .command('copy')
    .description("copies the SQLite log, hashes intact, into the (empty) PostgreSQL database oned.conf's DB names, then verifies the copy")
    .requiredOption('--to <backend>', 'the target backend: postgresql', (v) => {
      if (v !== 'postgresql') throw new InvalidArgumentError(`--to must be postgresql, got ${JSON.stringify(v)}`);
      return v;
    })
    .option('--from <file>', 'the SQLite log to copy', join(layout.var, 'one.db'))
    .action(async (options: { from: string }) => {
      const config = loadOnedConf(onedConfPath(layout), layout);
      const db = config.db;
      if (db?.backend !== 'postgresql') {
        throw new Error(`${onedConfPath(layout)} has no DB = [ BACKEND = "postgresql", … ]: say there where to copy to`);
      }
      const connection = pgConnectionOf(db);
      const where = describeLog(db, options.from);
      const copied = await copySqliteToPostgres(options.from, connection);
      const log = await openPostgresEventLog(connection);
      try {
        const verdict = await log.verify();
        if (!verdict.ok) {
          process.stdout.write(`copied, but the copy's hash chain is BROKEN at event ${verdict.seq}: ${verdict.reason}\n`);
          exitCode = 1;
          return;
        }
        process.stdout.write(
          `copied ${copied.events} events and ${copied.snapshots} snapshots from ${options.from} to ${where}\n` +
            `hash chain verified: ${verdict.events} events, tip seq ${copied.tip.seq} ${copied.tip.hash || '(empty log)'}\n`,
        );
      } finally {
        await log.close();
      }
    });
  const code = await parseTool(program, argv, () => exitCode);
  return code === EXIT_USAGE && argv.length === 0 ? (program.outputHelp(), EXIT_USAGE) : code;
}

runTool(main);
