import type { StoredEvent } from '../events/envelope.ts';

/**
 * A point of the log to replay to: a seq (`1234`) or an instant, given as
 * epoch seconds after an `@` (`@1764974314.5`, as `date -d @…` reads them)
 * or as an ISO 8601 time with its zone (`2026-12-05T22:38:34.500Z`,
 * `…+01:00`). A plain number is always a seq, so the two never mix up.
 */
export type AtInstant = { readonly kind: 'seq'; readonly seq: number } | { readonly kind: 'time'; readonly ms: number };

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** `option` names the option in messages; commander's own message already does, so it is left out there. */
export function parseAt(text: string, option?: string): Parsed<AtInstant> {
  const t = text.trim();
  const what = option ? `${option} ` : '';
  if (/^\d+$/.test(t)) {
    const seq = Number(t);
    return Number.isSafeInteger(seq) ? { ok: true, value: { kind: 'seq', seq } } : { ok: false, message: `${what}seq ${t} is too large` };
  }
  if (/^@\d+(\.\d+)?$/.test(t)) return { ok: true, value: { kind: 'time', ms: Math.floor(Number(t.slice(1)) * 1000) } };
  // A date alone means its first instant in UTC, as Date.parse reads it.
  if (ISO.test(t) || DATE_ONLY.test(t)) {
    const ms = Date.parse(t.replace(' ', 'T'));
    if (Number.isFinite(ms)) return { ok: true, value: { kind: 'time', ms } };
  }
  return {
    ok: false,
    message: `${what}${JSON.stringify(text)}: give a seq (1234), epoch seconds (@1764974314) or an ISO 8601 time with its zone (2026-12-05T22:38:34Z)`,
  };
}

/**
 * Whether an event is part of the state at `at`: its seq is at most the one
 * given, or it was committed at or before the instant (`ts` is in ms).
 */
export const reaches = (at: AtInstant, e: Pick<StoredEvent, 'seq' | 'ts'>): boolean =>
  at.kind === 'seq' ? e.seq <= at.seq : e.ts <= at.ms;

/** `seq 1234` or the instant in ISO form, for headers and messages. */
export const describeAt = (at: AtInstant): string => (at.kind === 'seq' ? `seq ${at.seq}` : new Date(at.ms).toISOString());
