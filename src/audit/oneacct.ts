/**
 * oneacct — each user's and each VM's usage over a period, from the VMs'
 * history records: running hours per host, CPU-hours (CPU × hours running)
 * and memory-hours (MEMORY MB × hours running). Like oneaudit it reads the
 * event log through the API (one.event.poll, so oneadmin only, who sees
 * every user), folds it through the VM machine and checks its hash chain;
 * `--db <one.db>` reads a database file instead.
 *
 *   oneacct [--from T] [--to T] [-u user] [-H host] [--json | --csv]
 *
 * T is epoch seconds after an `@` or an ISO 8601 time with its zone; the
 * period defaults to everything up to now.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseAt } from './at-instant.ts';
import { AuditContext } from './audit-context.ts';
import { parseTool, runTool } from './run-tool.ts';
import { foldTo } from './fold-to.ts';
import { usageRows, type Period } from './accounting.ts';
import { accountingCsv, accountingJson, accountingTable } from './accounting-report.ts';


function timeOption(text: string): number {
  const r = parseAt(text);
  if (!r.ok) throw new InvalidArgumentError(r.message.replace(/give a seq \(1234\), /, 'give '));
  if (r.value.kind === 'seq') throw new InvalidArgumentError(`"${text}" is a number: give epoch seconds as @${text}, or an ISO 8601 time`);
  return Math.floor(r.value.ms / 1000);
}

interface AcctOptions {
  from?: number;
  to?: number;
  user?: string;
  host?: string;
  json?: boolean;
  csv?: boolean;
  db?: string;
}

async function main(argv: readonly string[]): Promise<number> {
  const ctx = new AuditContext();
  const program = new Command('oneacct')
    .description('usage per user and VM over a period, from the VMs\' history records (oneadmin only)')
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s.replace(/^error: /, 'Error: ')) })
    .option('-s, --from <time>', 'start of the period: @epoch-seconds or ISO 8601 (default: the beginning)', timeOption)
    .option('-e, --to <time>', 'end of the period (default: now)', timeOption)
    .option('-u, --user <user>', 'only this user (name or id)')
    .option('-H, --host <host>', 'only the time on this host (name or id)')
    .addOption(new Option('-j, --json', 'JSON: per user, totals and VMs with their records').conflicts('csv'))
    .option('--csv', 'CSV: one line per history record')
    .option('--db <file>', 'read this one.db (read-only) instead of asking oned through the API')
    .action(async (o: AcctOptions) => {
      ctx.dbFile = o.db;
      const period: Period = { from: o.from ?? 0, to: o.to ?? Math.floor(Date.now() / 1000) };
      if (period.to < period.from) throw new InvalidArgumentError('--to is before --from');
      const world = await foldTo(ctx, undefined);
      const matches = (want: string | undefined, id: number, name: string) => want === undefined || want === String(id) || want === name;
      const rows = usageRows(world.vms.values(), period).filter(
        (r) => matches(o.user, r.uid, world.userNameEver(r.uid) ?? '') && matches(o.host, r.hid, r.hostname),
      );
      const userName = (uid: number) => world.userNameEver(uid) ?? '-';
      ctx.print(o.json ? accountingJson(rows, period, userName) : o.csv ? accountingCsv(rows) : accountingTable(rows, period, userName));
    });
  try {
    return await parseTool(program, argv, () => ctx.exitCode);
  } finally {
    ctx.close();
  }
}

runTool(main);
