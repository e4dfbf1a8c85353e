import type { Plan } from './scheduler-actor.ts';

/**
 * The dry run's output: the placements the scheduler would make now, and
 * why each VM left out would stay PENDING.
 *
 *   VM    HOST  RANK
 *   12    3     5
 *   not placed: VM 14: 0/5 hosts: 3 failed REQUIREMENTS, 2 lacked MEMORY
 */
export function describePlan(plan: Plan, pendingVms: number, hosts: number): string {
  const lines = [`${pendingVms} pending VMs, ${hosts} hosts: ${plan.placements.length} would be deployed now.`];
  if (plan.placements.length > 0) {
    lines.push(`${'VM'.padEnd(8)}${'HOST'.padEnd(8)}RANK`);
    for (const p of plan.placements) lines.push(`${String(p.vmId).padEnd(8)}${String(p.hostId).padEnd(8)}${p.rank}`);
  }
  for (const u of plan.unplaced) lines.push(`not placed: VM ${u.vmId}: ${u.reason}`);
  if (plan.deferred > 0) lines.push(`${plan.deferred} more VMs wait for a later pass (MAX_VM, MAX_DISPATCH or MAX_HOST).`);
  return `${lines.join('\n')}\n`;
}
