import type { Command } from 'commander';
import type { AuditContext } from '../audit-context.ts';
import { ChainChecker, type ChainCheck } from '../chain-check.ts';

/** One line per break, each naming the seq and, when known, the stream. */
export function breakLines(r: ChainCheck): string[] {
  return r.ok ? [] : r.breaks.map((b) => `hash chain BROKEN at event ${b.seq}${b.stream ? ` (${b.stream})` : ''}: ${b.reason}`);
}

/** `oneaudit verify`: re-computes the hash chain of the whole log; exit 1 on any break. */
export function registerVerify(program: Command, ctx: AuditContext): void {
  program
    .command('verify')
    .description('re-computes the hash chain of the whole log and reports every break')
    .action(async () => {
      const checker = new ChainChecker();
      for await (const page of ctx.events()) checker.add(page);
      const r = checker.result();
      for (const line of breakLines(r)) ctx.print(line);
      ctx.print(r.ok ? `hash chain verified: ${r.events} events` : `hash chain BROKEN: ${r.breaks.length} breaks in ${r.events} events`);
      if (!r.ok) ctx.exitCode = 1;
    });
}
