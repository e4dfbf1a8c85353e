/** The pure match-and-rank planner of mm_sched: see plan.ts for the rules. */
export { demandOf, planPass } from './plan.ts';
export { policyFromCode, rankOfPolicy } from './policy.ts';
export { describeTally } from './reasons.ts';
export type { DefaultPolicy, HostShareInput, HostTally, LeftOut, PendingVm, Placement, Plan, PlannerHost, PlannerInput, PlannerLimits } from './types.ts';
