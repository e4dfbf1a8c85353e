/**
 * Random "moves" for the VM suite. A move is abstract (e.g. "the reply the
 * VM is waiting for, failing") and is turned into a concrete input from the
 * reference model's state when it runs, so that long random sequences reach
 * deep states instead of bouncing off "wrong state". Resolution depends only
 * on the model, so fast-check's shrinking and seed/path replay still work.
 */
import fc from 'fast-check';
import {
  REF_ACTIONS, VMM_VERBS, awaitedReply, stepVm,
  type PollLetter, type RefAction, type RefVm, type RefVmInput, type VmmVerb,
} from '../reference/vm-reference-model.ts';
import { DM, LCM } from '../reference/vm-codes.ts';

export type VmMove =
  /** What the environment would do next: the awaited reply, the scheduler's deploy, a poll or a user move. */
  | { readonly t: 'awaited'; readonly success: boolean; readonly pick: number; readonly hid: number }
  | { readonly t: 'valid'; readonly pick: number; readonly hid: number }
  | { readonly t: 'action'; readonly action: RefAction }
  | { readonly t: 'deploy'; readonly hid: number }
  | { readonly t: 'migrate'; readonly hid: number; readonly live: boolean }
  | { readonly t: 'vmm'; readonly verb: VmmVerb; readonly success: boolean }
  | { readonly t: 'tm'; readonly success: boolean }
  | { readonly t: 'poll'; readonly letter: PollLetter }
  /** The scheduler explains why it leaves the VM pending (often the same text again). */
  | { readonly t: 'sched'; readonly message: string }
  /** Sends this VM's last driver reply again (duplicated delivery). */
  | { readonly t: 'duplicate' }
  /** Allocate an already allocated VM: must be rejected. */
  | { readonly t: 'reallocate' };

export interface VmStep {
  readonly vm: number;
  /** Seconds since the previous step; 0 is frequent so equal timestamps are exercised. */
  readonly dt: number;
  readonly move: VmMove;
}

export const vmStepArb = (hosts: number): fc.Arbitrary<VmStep> => {
  const hid = fc.nat(hosts - 1);
  const move: fc.Arbitrary<VmMove> = fc.oneof(
    { weight: 14, arbitrary: fc.record({ t: fc.constant('awaited' as const), success: fc.nat(5).map((n) => n > 0), pick: fc.nat(59), hid }) },
    { weight: 7, arbitrary: fc.record({ t: fc.constant('valid' as const), pick: fc.nat(59), hid }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('action' as const), action: fc.constantFrom(...REF_ACTIONS) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('deploy' as const), hid }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('migrate' as const), hid, live: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('vmm' as const), verb: fc.constantFrom(...VMM_VERBS), success: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('tm' as const), success: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('poll' as const), letter: fc.constantFrom<PollLetter>('a', 'p', 'e', 'd', '-') }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('sched' as const), message: fc.constantFrom('', 'no host', '0/3 hosts: 3 lacked MEMORY') }) },
    { weight: 2, arbitrary: fc.constant({ t: 'duplicate' as const }) },
    { weight: 1, arbitrary: fc.constant({ t: 'reallocate' as const }) },
  );
  return fc.record({ vm: fc.nat(7), dt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })), move });
};

/**
 * The inputs the model accepts as a real change here, except the two that
 * reset the VM (finalize, resubmit): those are picked rarely so runs go deep.
 */
function progressingInputs(vm: RefVm, hid: number): RefVmInput[] {
  const candidates: RefVmInput[] = [
    { kind: 'deploy', hid },
    { kind: 'migrate', hid, live: true },
    { kind: 'migrate', hid, live: false },
    ...REF_ACTIONS.filter((a) => a !== 'finalize' && a !== 'resubmit').map((action): RefVmInput => ({ kind: 'action', action })),
  ];
  return candidates.filter((input) => stepVm(vm, input, 0).kind === 'changed');
}

const isPolled = (vm: RefVm) => vm.dm === DM.ACTIVE && (vm.lcm === LCM.RUNNING || vm.lcm === LCM.UNKNOWN);

function pickValid(vm: RefVm, pick: number, hid: number): RefVmInput {
  if (pick % 10 === 0) return { kind: 'action', action: 'finalize' };
  if (pick % 10 === 1) return { kind: 'action', action: 'resubmit' };
  const inputs = progressingInputs(vm, hid);
  if (inputs.length > 0) return inputs[pick % inputs.length];
  // Only a reset is valid here (a transient state, FAILED or DONE): let the driver answer instead.
  const awaited = awaitedReply(vm);
  if (awaited?.kind === 'tm') return { kind: 'tm', success: true };
  if (awaited?.kind === 'vmm') return { kind: 'vmm', verb: awaited.verb, success: true };
  return { kind: 'action', action: vm.dm === DM.FAILED ? 'resubmit' : 'finalize' };
}

/**
 * 'reallocate': send Allocate to the existing VM (must be rejected);
 * 'replace': the VM is DONE and the environment would move on — the suite
 * allocates a fresh VM in this slot so the run keeps exercising something.
 */
export function resolveMove(move: VmMove, vm: RefVm, lastReply: RefVmInput | undefined): RefVmInput | 'reallocate' | 'replace' {
  if ((move.t === 'awaited' || move.t === 'valid') && vm.dm === DM.DONE && move.pick % 4 !== 0) return 'replace';
  switch (move.t) {
    case 'awaited': {
      const awaited = awaitedReply(vm);
      if (awaited?.kind === 'tm') return { kind: 'tm', success: move.success };
      if (awaited?.kind === 'vmm') return { kind: 'vmm', verb: awaited.verb, success: move.success };
      if (vm.dm === DM.PENDING) return { kind: 'deploy', hid: move.hid };
      if (isPolled(vm) && !move.success) return { kind: 'poll', letter: (['d', 'p', 'e'] as const)[move.pick % 3] };
      return pickValid(vm, move.pick, move.hid);
    }
    case 'valid': return pickValid(vm, move.pick, move.hid);
    case 'action': return { kind: 'action', action: move.action };
    case 'deploy': return { kind: 'deploy', hid: move.hid };
    case 'migrate': return { kind: 'migrate', hid: move.hid, live: move.live };
    case 'vmm': return { kind: 'vmm', verb: move.verb, success: move.success };
    case 'tm': return { kind: 'tm', success: move.success };
    case 'poll': return { kind: 'poll', letter: move.letter };
    case 'sched': return { kind: 'sched', message: move.message };
    case 'duplicate': return lastReply ?? { kind: 'tm', success: true };
    case 'reallocate': return 'reallocate';
  }
}

/**
 * The VM a step drives: `step.vm` modulo the count, except that an
 * environment move ("awaited"/"valid") aimed at a DONE VM goes to the next
 * live one, since a DONE VM can only absorb it as a no-op.
 */
export function chooseVm(models: readonly RefVm[], step: VmStep): number {
  const first = step.vm % models.length;
  if (step.move.t !== 'awaited' && step.move.t !== 'valid') return first;
  for (let k = 0; k < models.length; k++) {
    const i = (first + k) % models.length;
    if (models[i].dm !== DM.DONE) return i;
  }
  return first;
}
