import type { Plan } from '../planner/index.ts';

/**
 * The dry run's output: the placements the scheduler would make now, and
 * why each VM left out would stay PENDING.
 *
 *   VM    HOST  RANK
 *   12    3     5
 *   not placed: VM 14: 0/5 hosts: 3 failed REQUIREMENTS, 2 lacked MEMORY
 *   later: VM 15: MAX_DISPATCH (30) reached in this pass
 */
export function describePlan(plan: Plan, pendingVms: number, hosts: number): string {
  const lines = [`${pendingVms} pending VMs, ${hosts} hosts: ${plan.placements.length} would be deployed now.`];
  if (plan.placements.length > 0) {
    lines.push(`${'VM'.padEnd(8)}${'HOST'.padEnd(8)}RANK`);
    for (const p of plan.placements) lines.push(`${String(p.vmId).padEnd(8)}${String(p.hostId).padEnd(8)}${p.rank}`);
  }
  for (const l of plan.leftOut) lines.push(`${l.outcome === 'unplaceable' ? 'not placed' : 'later'}: VM ${l.vmId}: ${l.reason}`);
  return `${lines.join('\n')}\n`;
}
