import { safeText } from '../cli/lib/safe-text.ts';
import { VmState as Dm } from '../machines/state-codes.ts';
import { stateLabel } from './timeline.ts';
import type { WorldFold } from './world-fold.ts';

/** What `oneaudit diff` compares of each object at one instant. */
export interface ObjectSummary {
  readonly name: string;
  /** The state name the timelines print (ACTIVE/RUNNING, MONITORED, DELETED…). */
  readonly state: string;
  /** A VM that is gone for good (DONE), or a host, network or user deleted. */
  readonly ended: boolean;
  /** The host a VM is on (ACTIVE or SUSPENDED: its last history record), if any. */
  readonly host?: string;
}

export type Change =
  | { readonly change: 'created' | 'deleted'; readonly stream: string; readonly name: string; readonly state: string }
  | { readonly change: 'state' | 'moved'; readonly stream: string; readonly name: string; readonly from: string; readonly to: string };

/** Every object of the fold by stream (`vm/3`), with what diff compares. Read it before folding on. */
export function summarize(world: WorldFold): Map<string, ObjectSummary> {
  const out = new Map<string, ObjectSummary>();
  for (const vm of world.vms.values()) {
    if (vm.id < 0) continue;
    const last = vm.history[vm.history.length - 1];
    const onHost = last && (vm.state === Dm.ACTIVE || vm.state === Dm.SUSPENDED);
    const stream = `vm/${vm.id}`;
    out.set(stream, { name: vm.name, state: stateLabel(world, stream), ended: vm.state === Dm.DONE, ...(onHost ? { host: last.hostname } : {}) });
  }
  const add = (kind: string, id: number, name: string) => {
    const stream = `${kind}/${id}`;
    const state = stateLabel(world, stream);
    out.set(stream, { name, state, ended: state === 'DELETED' });
  };
  for (const h of world.hosts.values()) if (h.id >= 0) add('host', h.id, h.name);
  for (const n of world.vnets.values()) add('vnet', n.id, n.name);
  for (const [uid, u] of world.users) if (u.state.status !== 'none') add('user', uid, u.state.name);
  return out;
}

const order = (stream: string): [string, number] => {
  const [kind, id] = stream.split('/');
  return [kind!, Number(id)];
};

/**
 * The changes between two summaries: objects created, deleted (ended),
 * changed state, and VMs moved to another host. Sorted by kind, then id.
 */
export function diffSummaries(from: ReadonlyMap<string, ObjectSummary>, to: ReadonlyMap<string, ObjectSummary>): Change[] {
  const changes: Change[] = [];
  const streams = [...new Set([...from.keys(), ...to.keys()])].sort((a, b) => {
    const [ka, ia] = order(a);
    const [kb, ib] = order(b);
    return ka === kb ? ia - ib : ka < kb ? -1 : 1;
  });
  for (const stream of streams) {
    const a = from.get(stream);
    const b = to.get(stream);
    if (!b) continue; // the log only grows: an object never disappears from it
    if (!a) {
      changes.push({ change: 'created', stream, name: b.name, state: b.state });
      if (b.ended) changes.push({ change: 'deleted', stream, name: b.name, state: b.state });
      continue;
    }
    if (a.ended) continue;
    if (b.ended) {
      changes.push({ change: 'deleted', stream, name: b.name, state: b.state });
      continue;
    }
    if (a.state !== b.state) changes.push({ change: 'state', stream, name: b.name, from: a.state, to: b.state });
    if (a.host !== undefined && b.host !== undefined && a.host !== b.host) {
      changes.push({ change: 'moved', stream, name: b.name, from: a.host, to: b.host });
    }
  }
  return changes;
}

/** `state    vm/0     web      PENDING → ACTIVE/RUNNING`; names and hosts printed safely. */
export function formatChange(c: Change): string {
  const what = 'state' in c ? c.state : `${safeText(c.from)} → ${safeText(c.to)}`;
  return [c.change.padEnd(8), c.stream.padEnd(8), safeText(c.name).padEnd(16), what].join(' ').trimEnd();
}
