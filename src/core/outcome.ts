import type { Outcome } from '../actors/actor-system.ts';
import type { Result } from '../rpc/core-port.ts';

/** Drops the committed events from an actor-system outcome: callers only need ok / error. */
export const outcome = (r: Outcome): Result<void> => (r.ok ? { ok: true, value: undefined } : r);
