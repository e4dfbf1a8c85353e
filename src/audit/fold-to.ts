import type { StoredEvent } from '../events/envelope.ts';
import type { AuditContext } from './audit-context.ts';
import { reaches, type AtInstant } from './at-instant.ts';
import { ChainChecker } from './chain-check.ts';
import { breakLines } from './commands/verify.ts';
import { WorldFold } from './world-fold.ts';

/**
 * The log's events up to `at` (all of them without it), in seq order. The
 * log is the order of commits: the first event past the instant ends it, so
 * what is folded is always a prefix of the log, a state oned really had.
 */
export async function* eventsUpTo(ctx: AuditContext, at: AtInstant | undefined): AsyncGenerator<StoredEvent> {
  for await (const page of ctx.events()) {
    for (const e of page) {
      if (at && !reaches(at, e)) return;
      yield e;
    }
  }
}

export interface FoldHooks {
  before?(e: StoredEvent, world: WorldFold): void;
  after?(e: StoredEvent, world: WorldFold): void;
}

/**
 * Folds the log up to `at`, checking the hash chain of what it folds. The
 * chain is checked, not trusted: a break is reported on stderr and makes the
 * command exit 1, since the state shown then cannot be vouched for.
 * `hooks` see each event just before and just after it is applied (timelines, diff).
 */
export async function foldTo(ctx: AuditContext, at: AtInstant | undefined, hooks: FoldHooks = {}): Promise<WorldFold> {
  const world = new WorldFold();
  const checker = new ChainChecker();
  const batch: StoredEvent[] = [];
  for await (const e of eventsUpTo(ctx, at)) {
    batch.push(e);
    if (batch.length === 10_000) checker.add(batch.splice(0));
    hooks.before?.(e, world);
    world.apply(e);
    hooks.after?.(e, world);
  }
  checker.add(batch);
  const chain = checker.result();
  if (!chain.ok) {
    for (const line of breakLines(chain)) process.stderr.write(`${line}\n`);
    process.stderr.write(`Warning: the hash chain is broken (${chain.breaks.length} breaks): the log cannot vouch for this state\n`);
    ctx.exitCode = 1;
  }
  return world;
}
