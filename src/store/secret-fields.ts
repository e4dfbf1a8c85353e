/**
 * Secrets in the event log (users' password hashes) and the hash chain.
 *
 * An event that carries a secret names it in a top-level `secrets` array,
 * e.g. `{"type":"UserAllocated", …, "passwordHash":"scrypt$…", "secrets":["passwordHash"]}`.
 * The log stores the secret (oned needs it to log users in after a restart),
 * but the chain hash covers the event's *hashed form*, in which each named
 * field is replaced by `{"sha256": <hex SHA-256 of the field's canonical JSON>}`.
 * one.event.poll and `oneaudit export` hand out only the hashed form, so an
 * auditor verifies the whole chain without ever seeing a password hash, and
 * a changed secret still breaks its event's link (its digest changes).
 *
 * Events without `secrets` (everything else, and user events written before
 * this rule) are hashed as they are stored: old logs verify unchanged.
 */
import { createHash } from 'node:crypto';
import type { StoredEvent } from '../events/envelope.ts';
import { canonicalJson } from './canonical-json.ts';

/** Canonical JSON puts keys in order, so the marker of a top-level list reads exactly like this. */
const MARKER = '"secrets":[';

/** The stand-in for a secret value: the digest of its canonical JSON. */
export function secretDigest(value: unknown): { sha256: string } {
  return { sha256: createHash('sha256').update(canonicalJson(value)).digest('hex') };
}

/** `record` with each field its `secrets` names replaced by the digest; `record` itself when it names none. */
function hideSecrets<T extends object>(record: T): T {
  const names = (record as { secrets?: unknown }).secrets;
  if (!Array.isArray(names)) return record;
  const out: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  for (const name of names) {
    if (typeof name === 'string' && Object.hasOwn(out, name)) out[name] = secretDigest(out[name]);
  }
  return out as T;
}

/**
 * The text the chain hash covers for a stored `data` column (canonical JSON).
 * Cheap for the events without secrets: one substring search, no parse.
 */
export function hashedData(data: string): string {
  if (!data.includes(MARKER)) return data;
  const record = JSON.parse(data) as object;
  const hidden = hideSecrets(record);
  return hidden === record ? data : canonicalJson(hidden);
}

/** The event as served to readers outside oned (poll, export): secrets replaced by their digests. */
export function withoutSecrets(e: StoredEvent): StoredEvent {
  const event = hideSecrets(e.event);
  return event === e.event ? e : { ...e, event };
}
