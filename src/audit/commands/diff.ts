import type { Command } from 'commander';
import { describeAt, reaches, type AtInstant } from '../at-instant.ts';
import { AT_HELP, atOption } from '../at-option.ts';
import type { AuditContext } from '../audit-context.ts';
import { foldTo } from '../fold-to.ts';
import { diffSummaries, formatChange, summarize, type ObjectSummary } from '../world-diff.ts';

interface DiffOptions {
  from: AtInstant;
  to?: AtInstant;
  json?: boolean;
}

/**
 * `oneaudit diff --from T1 --to T2`: objects created, deleted, changed
 * state or moved host between two points of the log. One fold: the state
 * at --from is summarized as the first later event goes by.
 */
export function registerDiff(program: Command, ctx: AuditContext): void {
  program
    .command('diff')
    .description('what changed between two points of the log: objects created, deleted, changed state, moved host')
    .requiredOption('--from <time|seq>', `from ${AT_HELP}`, atOption)
    .option('--to <time|seq>', 'to this point (default: the end of the log)', atOption)
    .option('--json', 'the changes as one JSON array')
    .action(async (options: DiffOptions) => {
      let before: Map<string, ObjectSummary> | undefined;
      let fromSeq = 0;
      const world = await foldTo(ctx, options.to, {
        before: (e, w) => {
          if (before === undefined && !reaches(options.from, e)) {
            before = summarize(w);
            fromSeq = w.seq;
          }
        },
      });
      if (before === undefined) {
        before = summarize(world);
        fromSeq = world.seq;
      }
      const changes = diffSummaries(before, summarize(world));
      if (options.json) return ctx.print(JSON.stringify(changes));
      // A time is shown with the seq it comes to; a seq is shown once.
      const point = (at: AtInstant | undefined, seq: number) =>
        at?.kind === 'seq' ? describeAt(at) : `${at ? describeAt(at) : 'the end of the log'} (seq ${seq})`;
      ctx.print(`Changes from ${point(options.from, fromSeq)} to ${point(options.to, world.seq)}: ${changes.length}`);
      for (const c of changes) ctx.print(formatChange(c));
    });
}
