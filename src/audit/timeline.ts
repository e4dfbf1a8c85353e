import { safeText } from '../cli/lib/safe-text.ts';
import { hostStateName, lcmStateName, vmStateName } from '../cli/lib/state-names.ts';
import type { EventMeta, StoredEvent } from '../events/envelope.ts';
import { VmState as Dm } from '../machines/state-codes.ts';
import type { WorldFold } from './world-fold.ts';

/**
 * A readable line per event for `oneaudit log`: when, which object, who or
 * what caused it, the event, the object's state before and after, and the
 * reason or driver message the event carries. Pure: the caller folds.
 */
export interface TimelineEntry {
  readonly seq: number;
  /** Commit time, epoch ms. */
  readonly ts: number;
  readonly stream: string;
  readonly who: string;
  readonly type: string;
  readonly before: string;
  readonly after: string;
  readonly detail: string;
}

/** The state name of a stream's object in a fold; `-` before it exists. */
export function stateLabel(world: WorldFold, stream: string): string {
  const [kind, idText] = stream.split('/');
  const id = Number(idText);
  switch (kind) {
    case 'vm': {
      const vm = world.vms.get(id);
      if (!vm || vm.id < 0) return '-';
      return vm.state === Dm.ACTIVE ? `${vmStateName(vm.state)}/${lcmStateName(vm.lcm)}` : vmStateName(vm.state);
    }
    case 'host': {
      const h = world.hosts.get(id);
      if (!h || h.id < 0) return '-';
      return h.deleted ? 'DELETED' : hostStateName(h.state);
    }
    case 'vnet': {
      const n = world.vnets.get(id);
      if (!n) return '-';
      return n.deleted ? 'DELETED' : n.public ? 'PUBLIC' : 'PRIVATE';
    }
    case 'user': {
      const u = world.users.get(id)?.state;
      if (!u || u.status === 'none') return '-';
      return u.status === 'deleted' ? 'DELETED' : u.enabled ? 'ENABLED' : 'DISABLED';
    }
    default:
      return '-';
  }
}

/** `alice (one.vm.deploy)`, `driver:vmm`, `uid 7 (one.vm.action)`; `-` when the meta says nothing. */
export function whoCaused(meta: EventMeta, userName: (uid: number) => string | undefined): string {
  const user = meta.uid === undefined ? undefined : (userName(meta.uid) ?? `uid ${meta.uid}`);
  const cause = meta.cause === undefined ? undefined : safeText(meta.cause);
  if (user && cause) return `${user} (${cause})`;
  return user ?? cause ?? '-';
}

/** The fields of an event that say why or where: host, driver message, reason, scheduler message. */
export function eventDetail(event: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  const text = (key: string) => (typeof event[key] === 'string' && event[key] !== '' ? safeText(event[key]) : undefined);
  const hostname = text('hostname');
  if (hostname) parts.push(`host ${hostname}`);
  for (const key of ['reason', 'cause', 'info', 'message', 'imMad']) {
    const value = text(key);
    if (value) parts.push(key === 'imMad' ? `IM_MAD ${value}` : value);
  }
  if (Array.isArray(event.ips) && event.ips.length > 0) parts.push(`IPs ${event.ips.map(String).join(' ')}`);
  if (typeof event.vid === 'number' && !hostname && event.type !== 'VmAllocated') parts.push(`VM ${event.vid}`);
  return parts.join('; ');
}

export function timelineEntry(e: StoredEvent, before: string, after: string, userName: (uid: number) => string | undefined): TimelineEntry {
  return {
    seq: e.seq,
    ts: e.ts,
    stream: e.stream,
    who: whoCaused(e.meta, userName),
    type: e.event.type,
    before,
    after,
    detail: eventDetail(e.event as unknown as Record<string, unknown>),
  };
}

/**
 * `2026-12-05T22:45:06.880Z  #9  vm/0  oneadmin (one.vm.deploy)  VmDeployed  PENDING → ACTIVE/PROLOG  host node1`.
 * The state column shows the change, or the state in brackets when the event left it as it was.
 */
export function formatTimelineEntry(t: TimelineEntry): string {
  const states = t.before === t.after ? `(${t.after})` : `${t.before} → ${t.after}`;
  const columns = [
    new Date(t.ts).toISOString(),
    `#${t.seq}`.padStart(6),
    t.stream.padEnd(7),
    t.who.padEnd(28),
    t.type.padEnd(22),
    states.padEnd(30),
    t.detail,
  ];
  return columns.join('  ').trimEnd();
}
