import { CliError } from './cli-error.ts';
import { VM_STATES } from './state-names.ts';

/**
 * The `[a|all|m|mine|<uid>|<username>]` argument of `list` → the pool
 * filter oned understands (-2 all, -1 mine, uid) plus, for a user name,
 * the USERNAME to keep client-side (1.4 had no server-side name filter).
 */
export function poolFilter(who: string | undefined): { filter: number; username?: string } {
  if (who === undefined || who === 'a' || who === 'all') return { filter: -2 };
  if (who === 'm' || who === 'mine') return { filter: -1 };
  if (/^\d+$/.test(who)) return { filter: Number(who) };
  return { filter: -2, username: who };
}

/**
 * `onevm list --state <s>` → the state argument of the 2.0 form
 * `one.vmpool.info(filter, extended, state)`: `all` (-2, DONE included),
 * a DM state name (`done`, `pending`, `hold`, `active`, `stopped`,
 * `suspended`, `failed`, `init`) or its number. Without --state the CLI
 * sends the 1.4 form, which hides DONE VMs.
 */
export function vmStateArgument(value: string): number {
  const name = value.trim().toUpperCase();
  if (name === 'ALL') return -2;
  const byName = VM_STATES.indexOf(name as (typeof VM_STATES)[number]);
  if (byName >= 0) return byName;
  if (/^\d$/.test(name) && Number(name) < VM_STATES.length) return Number(name);
  throw new CliError(`--state needs all, ${VM_STATES.map((s) => s.toLowerCase()).join(', ')} or a state number, got ${JSON.stringify(value)}`);
}
