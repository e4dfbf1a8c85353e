import type { Command } from 'commander';
import type { AuditContext } from '../audit-context.ts';

/** `oneaudit log [stream]`: the events (optionally of one stream), one JSON line each. */
export function registerLog(program: Command, ctx: AuditContext): void {
  program
    .command('log')
    .description('prints the log (optionally one stream, e.g. vm/3), one JSON line an event')
    .argument('[stream]')
    .action(async (stream?: string) => {
      for await (const page of ctx.events()) {
        for (const e of page) if (!stream || e.stream === stream) ctx.print(JSON.stringify(e));
      }
    });
}
