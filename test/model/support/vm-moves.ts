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

export type VmMove =
  | { readonly t: 'awaited'; readonly success: boolean }
  | { readonly t: 'valid'; readonly pick: number; readonly hid: number; readonly live: boolean }
  | { readonly t: 'action'; readonly action: RefAction }
  | { readonly t: 'deploy'; readonly hid: number }
  | { readonly t: 'migrate'; readonly hid: number; readonly live: boolean }
  | { readonly t: 'vmm'; readonly verb: VmmVerb; readonly success: boolean }
  | { readonly t: 'tm'; readonly success: boolean }
  | { readonly t: 'poll'; readonly letter: PollLetter }
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
    { weight: 8, arbitrary: fc.record({ t: fc.constant('awaited' as const), success: fc.nat(3).map((n) => n > 0) }) },
    { weight: 6, arbitrary: fc.record({ t: fc.constant('valid' as const), pick: fc.nat(30), hid, live: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('action' as const), action: fc.constantFrom(...REF_ACTIONS) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('deploy' as const), hid }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('migrate' as const), hid, live: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('vmm' as const), verb: fc.constantFrom(...VMM_VERBS), success: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('tm' as const), success: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('poll' as const), letter: fc.constantFrom<PollLetter>('a', 'p', 'e', 'd', '-') }) },
    { weight: 2, arbitrary: fc.constant({ t: 'duplicate' as const }) },
    { weight: 1, arbitrary: fc.constant({ t: 'reallocate' as const }) },
  );
  return fc.record({ vm: fc.nat(7), dt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })), move });
};

/** Every input the model accepts as a real change in this state (deploy/migrate to `hid`). */
function validInputs(vm: RefVm, hid: number, live: boolean): RefVmInput[] {
  const candidates: RefVmInput[] = [
    { kind: 'deploy', hid },
    { kind: 'migrate', hid, live },
    ...REF_ACTIONS.map((action): RefVmInput => ({ kind: 'action', action })),
  ];
  return candidates.filter((input) => stepVm(vm, input, 0).kind === 'changed');
}

/** `undefined` means "reallocate" (handled by the suite, not by the model). */
export function resolveMove(move: VmMove, vm: RefVm, lastReply: RefVmInput | undefined): RefVmInput | undefined {
  switch (move.t) {
    case 'awaited': {
      const awaited = awaitedReply(vm);
      if (awaited?.kind === 'tm') return { kind: 'tm', success: move.success };
      if (awaited?.kind === 'vmm') return { kind: 'vmm', verb: awaited.verb, success: move.success };
      // Nothing outstanding: a poll is what a running VM would get next.
      return { kind: 'poll', letter: move.success ? 'a' : 'd' };
    }
    case 'valid': {
      const inputs = validInputs(vm, move.hid, move.live);
      return inputs.length > 0 ? inputs[move.pick % inputs.length] : { kind: 'action', action: 'finalize' };
    }
    case 'action': return { kind: 'action', action: move.action };
    case 'deploy': return { kind: 'deploy', hid: move.hid };
    case 'migrate': return { kind: 'migrate', hid: move.hid, live: move.live };
    case 'vmm': return { kind: 'vmm', verb: move.verb, success: move.success };
    case 'tm': return { kind: 'tm', success: move.success };
    case 'poll': return { kind: 'poll', letter: move.letter };
    case 'duplicate': return lastReply ?? { kind: 'tm', success: true };
    case 'reallocate': return undefined;
  }
}
