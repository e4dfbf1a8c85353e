/**
 * What the chart guard costs a live decision (src/actors/chart-guard.ts):
 * the same VM lives and host monitoring rounds decided and folded as an
 * actor does, once through the guarded deciders oned runs and once through
 * the bare ones. No log: the append costs the same either way.
 */
import { guardLiveDecisions } from '../../src/actors/chart-guard.ts';
import type { DomainEvent } from '../../src/events/envelope.ts';
import type { Decider } from '../../src/machines/decider.ts';
import { hookDecider } from '../../src/machines/hook/hook-decider.ts';
import { hostDecider } from '../../src/machines/host/host-decider.ts';
import type { HostCommand } from '../../src/machines/host/host-types.ts';
import { userDecider } from '../../src/machines/user/user-decider.ts';
import { vmDecider } from '../../src/machines/vm/vm-decider.ts';
import { vnetDecider } from '../../src/machines/vnet/vnet-decider.ts';
import { perSecond } from './report.ts';
import { lifeCommands } from './rebuild-vms.ts';

const bare = { vm: vmDecider, host: hostDecider, vnet: vnetDecider, user: userDecider, hook: hookDecider };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDecider = Decider<any, any, DomainEvent, any>;

/** One host: allocated, then `rounds` monitoring rounds (started, then the reply). */
function hostCommands(hid: number, rounds: number): HostCommand[] {
  const now = 1_700_000_000;
  const commands: HostCommand[] = [{ type: 'Allocate', hid, name: `node${hid}`, imMad: 'im_kvm', vmMad: 'vmm_kvm', tmMad: 'tm_ssh', now }];
  for (let r = 1; r <= rounds; r++) {
    commands.push({ type: 'MonitoringStarted', now: now + r * 60 }, { type: 'MonitorReplied', success: true, share: { freeCpu: r }, now: now + r * 60 + 1 });
  }
  return commands;
}

/** Decides and folds every entity's commands in turn; returns the decisions made. */
function decideAll(decider: AnyDecider, lives: readonly (readonly unknown[])[]): number {
  let decisions = 0;
  for (const commands of lives) {
    let state = decider.initialState;
    for (const command of commands) {
      const d = decider.decide(state, command);
      if (!d.ok) throw new Error(`live-decisions bench: refused ${JSON.stringify(command)}: ${d.error.message}`);
      for (const e of d.events) state = decider.evolve(state, e);
      decisions++;
    }
  }
  return decisions;
}

export function measureLiveDecisions(vms: number, passes: number): Record<string, number> {
  const vmLives = Array.from({ length: vms }, (_, vid) => lifeCommands(vid));
  const hostLives = Array.from({ length: Math.ceil(vms / 10) }, (_, hid) => hostCommands(hid, 10));
  const guarded = guardLiveDecisions(bare, (d) => {
    throw new Error(`live-decisions bench: the chart refused a real decision: ${JSON.stringify(d)}`);
  });
  const run = (deciders: typeof bare): number => {
    const start = performance.now();
    const decisions = decideAll(deciders.vm, vmLives) + decideAll(deciders.host, hostLives);
    return perSecond(decisions, performance.now() - start);
  };
  // Alternate and keep the best of each, so that a scheduling hiccup on a
  // shared machine does not decide the comparison.
  let withGuard = 0;
  let without = 0;
  for (let pass = 0; pass < passes; pass++) {
    without = Math.max(without, run(bare));
    withGuard = Math.max(withGuard, run(guarded));
  }
  const decisions = decideAll(bare.vm, vmLives) + decideAll(bare.host, hostLives);
  const usPerDecision = Math.round((1e6 / withGuard - 1e6 / without) * 100) / 100;
  console.error(`live decisions: ${withGuard}/s with the chart guard, ${without}/s without (${decisions} decisions, +${usPerDecision} µs each)`);
  return {
    live_decisions_per_s: withGuard,
    live_decisions_unguarded_per_s: without,
    chart_guard_us_per_decision: usPerDecision,
  };
}
