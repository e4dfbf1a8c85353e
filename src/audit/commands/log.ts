import { InvalidArgumentError, type Command } from 'commander';
import type { StoredEvent } from '../../events/envelope.ts';
import type { AuditContext } from '../audit-context.ts';
import { foldTo } from '../fold-to.ts';
import { formatTimelineEntry, stateLabel, timelineEntry } from '../timeline.ts';
import type { WorldFold } from '../world-fold.ts';

const KINDS = ['vm', 'host', 'vnet', 'user', 'hook'];

/** `vm 42`, or `vm/42` as oneaudit log always took it. */
export function streamOf(what: string | undefined, id: string | undefined): string | undefined {
  if (what === undefined) return undefined;
  const [kind, inlineId] = what.includes('/') && id === undefined ? what.split('/', 2) : [what, id];
  if (!KINDS.includes(kind!)) throw new InvalidArgumentError(`"${what}": the kind must be one of ${KINDS.join(', ')}`);
  if (inlineId === undefined || !/^\d{1,9}$/.test(inlineId)) throw new InvalidArgumentError(`${kind} needs a numeric id, e.g. ${kind} 3`);
  return `${kind}/${Number(inlineId)}`;
}

/** Whether an event was caused by a call of `who` (a name, or a uid). Names are those the user had then. */
function causedBy(e: StoredEvent, world: WorldFold, who: string): boolean {
  const uid = e.meta.uid;
  if (uid === undefined) return false;
  return /^\d+$/.test(who) ? uid === Number(who) : world.userNameEver(uid) === who;
}

interface LogOptions {
  json?: boolean;
  user?: string;
}

/**
 * `oneaudit log [vm 42]`: a readable timeline, one line an event; `--user
 * alice` keeps what alice's calls caused; `--json` prints the events as
 * one.event.poll serves them, one JSON line each.
 */
export function registerLog(program: Command, ctx: AuditContext): void {
  program
    .command('log')
    .description('prints the timeline of the log, of one object (vm 42, host 0, vnet 1, user 2) or of one user\'s calls (--user)')
    .argument('[kind]', `${KINDS.join(' | ')} (or kind/id)`)
    .argument('[id]')
    .option('--user <name|uid>', 'only the events caused by this user\'s calls')
    .option('--json', 'the events as one.event.poll serves them, one JSON line each')
    .action(async (what: string | undefined, id: string | undefined, options: LogOptions) => {
      let stream: string | undefined;
      try {
        stream = streamOf(what, id);
      } catch (e) {
        program.error(`Error: ${(e as Error).message}`, { exitCode: 3 });
      }
      let before = '';
      let printed = 0;
      await foldTo(ctx, undefined, {
        before: (e, w) => {
          if (stream === undefined || e.stream === stream) before = stateLabel(w, e.stream);
        },
        after: (e, w) => {
          if (stream !== undefined && e.stream !== stream) return;
          if (options.user !== undefined && !causedBy(e, w, options.user)) return;
          printed++;
          ctx.print(options.json ? JSON.stringify(e) : formatTimelineEntry(timelineEntry(e, before, stateLabel(w, e.stream), (uid) => w.userNameEver(uid))));
        },
      });
      if (printed === 0 && options.user !== undefined) process.stderr.write(`no event in the log was caused by user ${JSON.stringify(options.user)}\n`);
    });
}
