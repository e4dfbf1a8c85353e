/**
 * oneaudit — checks a running oned from the outside, through the API only
 * (one.event.poll and the pool calls), as an auditor would. One file per
 * subcommand in commands/; this file only builds the command line:
 *
 *   oneaudit verify          re-computes the hash chain of the whole log and
 *                            reports every break (exit 1 when there is one)
 *   oneaudit replay          checks the chain too, folds the log through the VM
 *                            and host machines and compares the result with what
 *                            oned serves; a broken chain fails it
 *   oneaudit replay --at T   the state of every VM, host, network and user at T
 *                            (a seq, @epoch-seconds or ISO 8601), as the list
 *                            tables or (-x) the pool documents
 *   oneaudit show vm 42 --at T   one object then, as onevm show / one.vm.info
 *   oneaudit log [vm 42]     a readable timeline of the log or of one object;
 *                            --user alice: what alice's calls did; --json: the events
 *   oneaudit diff --from T1 --to T2   objects created, deleted, changed state, moved
 *   oneaudit export [--from seq]   the events as JSON lines with their hash chain
 *   --db <one.db>            any of these on a database file instead of through
 *                            the API (e.g. one that oned refuses to start on)
 *
 * ONE_XMLRPC and ONE_AUTH as for the other tools; oneadmin only.
 */
import { Command } from 'commander';
import { AuditContext } from './audit-context.ts';
import { EXIT_USAGE, parseTool, runTool } from './run-tool.ts';
import { registerDiff } from './commands/diff.ts';
import { registerExport } from './commands/export.ts';
import { registerLog } from './commands/log.ts';
import { registerReplay } from './commands/replay.ts';
import { registerShow } from './commands/show.ts';
import { registerVerify } from './commands/verify.ts';


async function main(argv: readonly string[]): Promise<number> {
  const ctx = new AuditContext();
  const program = new Command('oneaudit')
    .description('checks oned\'s event log through the API (oneadmin only)')
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s.replace(/^error: /, 'Error: ')) })
    .option('--db <file>', 'read this one.db (read-only) instead of asking oned through the API')
    .hook('preAction', (cmd) => {
      ctx.dbFile = cmd.opts<{ db?: string }>().db;
    });
  for (const register of [registerVerify, registerReplay, registerShow, registerLog, registerDiff, registerExport]) register(program, ctx);
  if (argv.length === 0) {
    process.stderr.write(program.helpInformation());
    return EXIT_USAGE;
  }
  try {
    return await parseTool(program, argv, () => ctx.exitCode);
  } finally {
    ctx.close();
  }
}

runTool(main);
