/**
 * The driver request a transition must ask for (spec §2.3–2.5), derived from
 * the reference model's before/after states. Used to spot-check the
 * machine's effects; `undefined` when the spec asks for nothing specific.
 */
import { DM, LCM } from '../reference/vm-codes.ts';
import type { RefVm, RefVmInput } from '../reference/vm-reference-model.ts';

export interface ExpectedRequest {
  readonly kind: 'vmm' | 'tm';
  readonly action: string;
}

export function expectedRequest(before: RefVm, input: RefVmInput, after: RefVm): ExpectedRequest | undefined {
  const vmm = (action: string): ExpectedRequest => ({ kind: 'vmm', action });
  const tm = (action: string): ExpectedRequest => ({ kind: 'tm', action });
  // The agreed deviation: a successful cancel cleans the host.
  if (input.kind === 'vmm' && input.verb === 'CANCEL' && input.success && after.dm === DM.DONE) return tm('EPILOG_DELETE');
  // failure_action removes the VM directory on the host.
  if (after.dm === DM.FAILED && before.dm === DM.ACTIVE) return tm('EPILOG_DELETE');
  if (after.dm !== DM.ACTIVE) return undefined;
  if (input.kind === 'action' && (input.action === 'finalize' || input.action === 'resubmit')) return undefined;
  if (before.dm === after.dm && before.lcm === after.lcm && input.kind !== 'action') return undefined;
  switch (after.lcm) {
    case LCM.PROLOG: return tm('PROLOG');
    case LCM.PROLOG_RESUME: return tm('PROLOG_RESUME');
    case LCM.PROLOG_MIGRATE: return tm('PROLOG_MIGR');
    case LCM.EPILOG: return tm('EPILOG');
    case LCM.EPILOG_STOP: return tm('EPILOG_STOP');
    case LCM.BOOT: return vmm(after.bootBy);
    // "Still running": a failed shutdown/cancel/save/migration re-polls (§2.4).
    case LCM.RUNNING: return input.kind === 'vmm' && !input.success ? vmm('POLL') : undefined;
    case LCM.MIGRATE: return vmm('MIGRATE');
    case LCM.SHUTDOWN: return vmm('SHUTDOWN');
    case LCM.CANCEL: return vmm('CANCEL');
    case LCM.SAVE_STOP: case LCM.SAVE_SUSPEND: case LCM.SAVE_MIGRATE: return vmm('SAVE');
    default: return undefined;
  }
}
