import type { DomainEvent, EventMeta } from '../events/envelope.ts';
import type { AppendRequest } from '../actors/ports.ts';
import { canonicalJson, canonicalJsonWithout } from './canonical-json.ts';

/** One event ready to insert: canonical text plus the object readers will see. */
export interface EncodedEvent {
  readonly type: string;
  readonly data: string;
  /** `{type, ...JSON.parse(data)}`: what readStream returns, so live equals replay. */
  readonly event: DomainEvent;
}

export interface EncodedRequest {
  readonly stream: string;
  readonly expectedVersion: number;
  readonly events: readonly EncodedEvent[];
}

export interface EncodedAppend {
  readonly requests: readonly EncodedRequest[];
  readonly meta: string | null;
  readonly metaObject: EventMeta;
}

const NO_META: EventMeta = Object.freeze({});

/**
 * Checks and serialises an append at call time, so a bad request fails
 * alone before any transaction starts and later mutation of the caller's
 * objects cannot change what gets stored.
 */
export function encodeAppend(requests: readonly AppendRequest[], meta: EventMeta | undefined): EncodedAppend {
  if (!Array.isArray(requests)) throw new TypeError('append: requests must be an array');
  const encoded = requests.map(encodeRequest);
  const metaText = meta === undefined ? '{}' : canonicalJson(meta);
  if (!metaText.startsWith('{')) throw new TypeError('append: meta must be an object');
  const hasMeta = metaText !== '{}';
  return {
    requests: encoded,
    meta: hasMeta ? metaText : null,
    metaObject: hasMeta ? (JSON.parse(metaText) as EventMeta) : NO_META,
  };
}

function encodeRequest(request: AppendRequest): EncodedRequest {
  const { stream, expectedVersion, events } = request;
  if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('append: stream must be a non-empty string');
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new TypeError(`append: stream ${stream}: expectedVersion must be an integer >= 0`);
  }
  if (!Array.isArray(events)) throw new TypeError(`append: stream ${stream}: events must be an array`);
  return { stream, expectedVersion, events: events.map((e) => encodeEvent(stream, e)) };
}

function encodeEvent(stream: string, event: DomainEvent): EncodedEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new TypeError(`append: stream ${stream}: an event must be an object`);
  }
  const type: unknown = event.type;
  if (typeof type !== 'string' || type.length === 0) {
    throw new TypeError(`append: stream ${stream}: an event needs a non-empty string type`);
  }
  if (typeof (event as { toJSON?: unknown }).toJSON === 'function') {
    throw new TypeError(`append: stream ${stream}: an event must be a plain record, not something with toJSON`);
  }
  const data = canonicalJsonWithout(event, 'type');
  return { type, data, event: { type, ...(JSON.parse(data) as object) } };
}
