import { InvalidArgumentError, type Command } from 'commander';
import type { AuditContext } from '../audit-context.ts';
import { eventLine, headerLine, ZERO_HASH } from '../export-lines.ts';

function seqArgument(text: string): number {
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) throw new InvalidArgumentError(`"${text}" is not a seq (1 or more)`);
  return Number(text);
}

/** Writes, waiting when stdout is a pipe that is full, so an export of millions of events stays in bounded memory. */
function write(text: string): Promise<void> | void {
  if (!process.stdout.write(text)) return new Promise((resolve) => process.stdout.once('drain', resolve));
}

/**
 * `oneaudit export [--from seq]`: the events from `seq` on as JSON lines,
 * after a header line with the hash the first one links to; a verifier in
 * any language re-computes the chain from the README's description alone.
 */
export function registerExport(program: Command, ctx: AuditContext): void {
  program
    .command('export')
    .description('writes the events (seq >= --from) as JSON lines with their hash chain, after a header line')
    .option('--from <seq>', 'first event to export', seqArgument, 1)
    .action(async (options: { from: number }) => {
      const from = options.from;
      let previous = ZERO_HASH;
      if (from > 1) {
        const pages = ctx.events(from - 2);
        const before = (await pages.next()).value?.[0];
        await pages.return(undefined);
        if (before?.seq !== from - 1) throw new Error(`event ${from - 1} is not in the log: nothing to link event ${from} to`);
        previous = before.hash;
      }
      await write(`${headerLine(from, previous)}\n`);
      for await (const page of ctx.events(from - 1)) {
        let text = '';
        for (const e of page) text += `${eventLine(e)}\n`;
        await write(text);
      }
    });
}
