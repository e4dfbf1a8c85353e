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
