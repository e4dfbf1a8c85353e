/**
 * The driver requests a transition must ask for (spec §2.3–2.5, §4.4, §4.5),
 * derived from the reference model's before/after states, with the host each
 * one must run on. Used to check the machine's effects: every expected
 * request must be among them (the machine may add state notifications).
 */
import { DM, LCM } from '../reference/vm-codes.ts';
import type { RefVm, RefVmInput } from '../reference/vm-reference-model.ts';

export interface ExpectedRequest {
  readonly kind: 'vmm' | 'tm' | 'driver_cancel';
  /** Request verb, or the driver for a DRIVER_CANCEL. */
  readonly action: string;
  readonly hostname?: string;
  readonly prevHostname?: string;
}

const hostOf = (vm: RefVm, back: number, hostname: (hid: number) => string): string | undefined => {
  const rec = vm.history[vm.history.length - 1 - back];
  return rec ? hostname(rec.hid) : undefined;
};

/** §2.5: cleanup of an ACTIVE VM by the LCM state it was in. */
function cleanup(was: number, cur: string | undefined, prev: string | undefined): ExpectedRequest[] {
  const tm = (action: string, p?: string): ExpectedRequest => ({ kind: 'tm', action, hostname: cur, ...(p ? { prevHostname: p } : {}) });
  const vmm = (action: string, p?: string): ExpectedRequest => ({ kind: 'vmm', action, hostname: cur, ...(p ? { prevHostname: p } : {}) });
  const cancel = (driver: 'vmm' | 'tm'): ExpectedRequest => ({ kind: 'driver_cancel', action: driver });
  switch (was) {
    case LCM.PROLOG: case LCM.PROLOG_RESUME: case LCM.EPILOG: case LCM.EPILOG_STOP:
      return [cancel('tm'), tm('EPILOG_DELETE')];
    case LCM.PROLOG_MIGRATE: return [cancel('tm'), tm('EPILOG_DELETE'), tm('EPILOG_DELETE_PREVIOUS', prev)];
    case LCM.MIGRATE: return [cancel('vmm'), vmm('CANCEL'), vmm('CANCEL_PREVIOUS', prev), tm('EPILOG_DELETE')];
    case LCM.SAVE_MIGRATE: return [cancel('vmm'), vmm('CANCEL_PREVIOUS', prev), tm('EPILOG_DELETE_PREVIOUS', prev)];
    default: return [cancel('vmm'), vmm('CANCEL'), tm('EPILOG_DELETE')];
  }
}

export function expectedRequests(
  before: RefVm, input: RefVmInput, after: RefVm, hostname: (hid: number) => string,
): ExpectedRequest[] {
  const cur = hostOf(after, 0, hostname);
  const prev = hostOf(after, 1, hostname);
  const tm = (action: string, p?: string): ExpectedRequest[] => [{ kind: 'tm', action, hostname: cur, ...(p ? { prevHostname: p } : {}) }];
  const vmm = (action: string, p?: string): ExpectedRequest[] => [{ kind: 'vmm', action, hostname: cur, ...(p ? { prevHostname: p } : {}) }];

  if (input.kind === 'action' && (input.action === 'finalize' || input.action === 'resubmit')) {
    if (before.dm === DM.ACTIVE) return cleanup(before.lcm, hostOf(before, 0, hostname), hostOf(before, 1, hostname));
    // §2.3: finalize of a SUSPENDED VM removes its files from the host.
    return before.dm === DM.SUSPENDED && input.action === 'finalize' ? tm('EPILOG_DELETE') : [];
  }
  // The agreed deviation: a successful cancel cleans the host.
  if (input.kind === 'vmm' && input.verb === 'CANCEL' && input.success && after.dm === DM.DONE) return tm('EPILOG_DELETE');
  // failure_action removes the VM directory on the host.
  if (after.dm === DM.FAILED && before.dm === DM.ACTIVE) return tm('EPILOG_DELETE');
  if (after.dm !== DM.ACTIVE) return [];
  if (before.dm === after.dm && before.lcm === after.lcm && input.kind !== 'action') return [];
  switch (after.lcm) {
    case LCM.PROLOG: return tm('PROLOG');
    case LCM.PROLOG_RESUME: return tm('PROLOG_RESUME');
    case LCM.PROLOG_MIGRATE: return tm('PROLOG_MIGR', prev);
    case LCM.EPILOG: return tm('EPILOG');
    case LCM.EPILOG_STOP: return tm('EPILOG_STOP');
    case LCM.BOOT: return vmm(after.bootBy);
    // Live migration: source = previous host, destination = the new one (§4.4).
    case LCM.MIGRATE: return vmm('MIGRATE', prev);
    case LCM.SHUTDOWN: return vmm('SHUTDOWN');
    case LCM.CANCEL: return vmm('CANCEL');
    // A cold migration saves on the previous host (§4.4 SAVE).
    case LCM.SAVE_MIGRATE: return vmm('SAVE', prev);
    case LCM.SAVE_STOP: case LCM.SAVE_SUSPEND: return vmm('SAVE');
    // "Still running": a failed shutdown/cancel/save/migration re-polls (§2.4).
    case LCM.RUNNING: return input.kind === 'vmm' && !input.success ? vmm('POLL') : [];
    default: return [];
  }
}

/** Does `effect` satisfy `wanted` (same kind and verb/driver, and the hosts it names)? */
export function satisfies(effect: Record<string, unknown>, wanted: ExpectedRequest): boolean {
  if (effect.kind !== wanted.kind) return false;
  if ((wanted.kind === 'driver_cancel' ? effect.driver : effect.action) !== wanted.action) return false;
  if (wanted.hostname !== undefined && effect.hostname !== wanted.hostname) return false;
  return wanted.prevHostname === undefined || effect.prevHostname === wanted.prevHostname;
}
