/**
 * Reference model of a 1.4 host, written from spec §5.1 (states and
 * transitions), §5.2 (600 s MONITORING expiry) and §4.6 (what a MONITOR
 * reply does), not from src/machines/host.
 *
 * §4.6 / 1.4 `Host::touch`: any monitoring result sets LAST_MON_TIME = now;
 * unless the host is DISABLED its state becomes MONITORED (success) or ERROR
 * (failure) — also for a late result that arrives after the 600 s expiry put
 * the host back to INIT.
 */
import { HOST } from './vm-codes.ts';

export const MONITORING_EXPIRE_SECONDS = 600;

/** Monitored HOST_SHARE figures (§5.3); a reply that omits one keeps the old value (§4.4, §4.6). */
export type RefShare = Record<'maxCpu' | 'maxMem' | 'maxDisk' | 'freeCpu' | 'freeMem' | 'freeDisk' | 'usedCpu' | 'usedMem' | 'usedDisk', number>;

export interface RefHost {
  exists: boolean;
  deleted: boolean;
  state: number;
  lastMonTime: number;
  share: RefShare;
}

const ZERO_SHARE: RefShare = {
  maxCpu: 0, maxMem: 0, maxDisk: 0, freeCpu: 0, freeMem: 0, freeDisk: 0, usedCpu: 0, usedMem: 0, usedDisk: 0,
};

export type RefHostInput =
  | { readonly kind: 'allocate' }
  | { readonly kind: 'enable'; readonly enabled: boolean }
  | { readonly kind: 'delete' }
  /** Monitoring is due; `driverFound: false` = the host's IM driver is unknown (§5.1 → ERROR). */
  | { readonly kind: 'monitoring-started'; readonly driverFound: boolean }
  | { readonly kind: 'monitor-replied'; readonly success: boolean; readonly share: Partial<RefShare> }
  | { readonly kind: 'tick' };

/**
 * changed   — accepted; the state must equal `host` (events may be empty only if nothing changed);
 * ignored   — nothing may be appended (the machine may answer ok:true with no events or ok:false);
 * wrong-state — rejected with 0x800, nothing appended;
 * rejected  — rejected with any code (allocate twice, anything on a missing or deleted host).
 */
export type RefHostOutcome =
  | { readonly kind: 'changed'; readonly host: RefHost }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'wrong-state' }
  | { readonly kind: 'rejected' };

export const absentHost = (): RefHost => ({ exists: false, deleted: false, state: HOST.INIT, lastMonTime: 0, share: ZERO_SHARE });

const IGNORED: RefHostOutcome = { kind: 'ignored' };
const REJECTED: RefHostOutcome = { kind: 'rejected' };
const changed = (host: RefHost): RefHostOutcome => ({ kind: 'changed', host });

export function stepHost(host: RefHost, input: RefHostInput, now: number): RefHostOutcome {
  if (input.kind === 'allocate') {
    // LAST_MON_TIME starts at creation (§5.2, §12.1 item 6).
    return host.exists || host.deleted ? REJECTED : changed({ exists: true, deleted: false, state: HOST.INIT, lastMonTime: now, share: ZERO_SHARE });
  }
  if (!host.exists) return REJECTED;
  switch (input.kind) {
    case 'delete':
      return changed({ ...host, exists: false, deleted: true });
    case 'enable':
      return changed({ ...host, state: input.enabled ? HOST.INIT : HOST.DISABLED });
    case 'monitoring-started':
      // The IM only sends MONITOR to hosts that are neither MONITORING nor DISABLED (§5.2).
      return host.state === HOST.MONITORING || host.state === HOST.DISABLED
        ? IGNORED
        : changed({ ...host, state: input.driverFound ? HOST.MONITORING : HOST.ERROR });
    case 'monitor-replied': {
      const state = host.state === HOST.DISABLED ? HOST.DISABLED : input.success ? HOST.MONITORED : HOST.ERROR;
      // 1.4 stores the figures even for a DISABLED host; only the state is kept.
      const share = input.success ? { ...host.share, ...input.share } : host.share;
      return changed({ ...host, state, lastMonTime: now, share });
    }
    case 'tick':
      return host.state === HOST.MONITORING && now - host.lastMonTime >= MONITORING_EXPIRE_SECONDS
        ? changed({ ...host, state: HOST.INIT })
        : IGNORED;
  }
}
