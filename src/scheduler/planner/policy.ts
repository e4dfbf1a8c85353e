import type { DefaultPolicy } from './types.ts';

/**
 * The rank of VMs without RANK (sched.conf DEFAULT_SCHED, as in 3.x).
 * Host share fields are visible to expressions, so all three built-in
 * policies work (in 1.4 only load-aware did).
 */
export function rankOfPolicy(policy: DefaultPolicy): string {
  switch (policy) {
    case 'packing':
      return 'RUNNING_VMS'; // the busiest host first: fills the fewest hosts
    case 'striping':
      return '- RUNNING_VMS'; // the emptiest host first: spreads the VMs
    case 'load-aware':
      return 'FREE_CPU'; // the host with the most free CPU first
    default:
      return policy.custom;
  }
}

/** DEFAULT_SCHED = [ POLICY = n, RANK = "…" ]: 0 packing, 1 striping, 2 load-aware, 3 custom; undefined for any other value. */
export function policyFromCode(code: number, rank?: string): DefaultPolicy | undefined {
  switch (code) {
    case 0:
      return 'packing';
    case 1:
      return 'striping';
    case 2:
      return 'load-aware';
    case 3:
      return rank === undefined ? undefined : { custom: rank };
    default:
      return undefined;
  }
}
