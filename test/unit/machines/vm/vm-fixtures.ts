/** Drives the VM decider through decide + evolve, the way the actor does. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { VmEvent } from '../../../../src/events/vm-events.ts';
import { vmDecider } from '../../../../src/machines/vm/vm-decider.ts';
import type { VmCommand, VmEffect, VmState } from '../../../../src/machines/vm/vm-types.ts';
import { vmActions } from '../../../../src/machines/vm/vm-types.ts';

export const H1 = { hid: 1, hostname: 'node1', vmDir: '/var/one', vmMad: 'vmm_kvm', tmMad: 'tm_ssh' };
export const H2 = { hid: 2, hostname: 'node2', vmDir: '/srv/one', vmMad: 'vmm_kvm', tmMad: 'tm_nfs' };
export const REQ = { cpu: 100, mem: 524288, disk: 0 };
export const H3 = { hid: 3, hostname: 'node3', vmDir: '/var/one', vmMad: 'vmm_xen', tmMad: 'tm_ssh' };
export type NoNow = DistributiveOmit<VmCommand, 'now'>;

/** Every distinct command shape, for random walks (each step adds its `now`). */
export const ALL_COMMANDS: NoNow[] = [
  ...[H1, H2, H3].map((h): NoNow => ({ type: 'Deploy', ...h })),
  // Few migrations so that the other RUNNING exits get drawn often enough.
  { type: 'Migrate', ...H2, live: true },
  { type: 'Migrate', ...H3, live: false },
  { type: 'Migrate', ...H1, live: false },
  ...vmActions.map((action): NoNow => ({ type: 'Act', action })),
  ...(['DEPLOY', 'SHUTDOWN', 'CANCEL', 'SAVE', 'RESTORE', 'MIGRATE'] as const).flatMap((verb) =>
    [true, false].map((success): NoNow => ({ type: 'DriverReplied', driver: 'vmm', verb, success, info: success ? 'dom-9 x' : 'err' }))),
  ...[true, false].map((success): NoNow => ({ type: 'DriverReplied', driver: 'tm', verb: 'TRANSFER', success, info: '' })),
  { type: 'DriverReplied', driver: 'tm', verb: 'DEPLOY', success: true, info: '' },
  { type: 'DriverReplied', driver: 'vmm', verb: 'TRANSFER', success: true, info: '' },
  ...(['a', 'p', 'e', 'd', '-'] as const).map((stateLetter): NoNow => ({ type: 'Polled', stateLetter })),
  // The scheduler's reason for a PENDING VM: set, repeated (appends nothing), cleared.
  { type: 'SetSchedMessage', message: '0/3 hosts: 3 lacked MEMORY' },
  { type: 'SetSchedMessage', message: '' },
];

export interface Step {
  state: VmState;
  events: readonly VmEvent[];
  effects: VmEffect[];
}

/** The commands that VM accepts with at least one event at `now`. */
export const productive = (vm: VmState, now: number): NoNow[] =>
  ALL_COMMANDS.filter((c) => {
    const d = vmDecider.decide(vm, { ...c, now } as VmCommand);
    return d.ok && d.events.length > 0;
  });

/** Random-walk steps: [noise, choice, time gap]; noise 0 picks among all commands (rejections and ignored replies included). */
export const walkStepsArb = fc.array(
  fc.tuple(fc.noBias(fc.nat({ max: 5 })), fc.noBias(fc.nat({ max: 1000 })), fc.integer({ min: 0, max: 50 })),
  { minLength: 10, maxLength: 80, size: 'max' },
);

/** The commands one walk step picks from, mostly those that move the VM. */
export function walkPool(vm: VmState, now: number, noise: number): NoNow[] {
  const useful = productive(vm, now);
  // finalize/resubmit end a walk early, so they are drawn less often.
  const onward = useful.filter((c) => !(c.type === 'Act' && (c.action === 'finalize' || c.action === 'resubmit')));
  return noise === 0 ? ALL_COMMANDS : noise === 1 || onward.length === 0 ? useful : onward;
}

/** Applies a command that must be accepted; returns the new state, events and effects. */
export function apply(state: VmState, command: VmCommand): Step {
  const d = vmDecider.decide(state, command);
  assert.ok(d.ok, `expected ${JSON.stringify(command)} to be accepted: ${d.ok ? '' : d.error.message}`);
  let s = state;
  const effects: VmEffect[] = [];
  for (const e of d.events) {
    const next = vmDecider.evolve(s, e);
    effects.push(...vmDecider.effects(s, e, next));
    s = next;
  }
  return { state: s, events: d.events, effects };
}

/** Builds a VM by scripted steps; `now` advances by 10 s per step from 1000. */
export class VmScript {
  state: VmState = vmDecider.initialState;
  now = 1000;
  last: Step = { state: this.state, events: [], effects: [] };
  readonly log: VmEvent[] = [];

  do(command: DistributiveOmit<VmCommand, 'now'>): this {
    this.now += 10;
    this.last = apply(this.state, { ...command, now: this.now } as VmCommand);
    this.state = this.last.state;
    this.log.push(...this.last.events);
    return this;
  }
  allocate(vid = 7): this {
    return this.do({ type: 'Allocate', vid, uid: 2, name: `vm${vid}`, template: { NAME: `vm${vid}`, CPU: '1' }, requirement: REQ });
  }
  deploy(h = H1): this { return this.do({ type: 'Deploy', ...h }); }
  migrate(h = H2, live = false): this { return this.do({ type: 'Migrate', ...h, live }); }
  act(action: Extract<VmCommand, { type: 'Act' }>['action']): this { return this.do({ type: 'Act', action }); }
  vmm(verb: 'DEPLOY' | 'SHUTDOWN' | 'CANCEL' | 'SAVE' | 'RESTORE' | 'MIGRATE', success = true, info = ''): this {
    return this.do({ type: 'DriverReplied', driver: 'vmm', verb, success, info: info || (verb === 'DEPLOY' ? 'one-7' : '') });
  }
  tm(success = true, info = ''): this { return this.do({ type: 'DriverReplied', driver: 'tm', verb: 'TRANSFER', success, info }); }
  poll(stateLetter: 'a' | 'p' | 'e' | 'd' | '-'): this { return this.do({ type: 'Polled', stateLetter }); }
  schedMessage(message: string): this { return this.do({ type: 'SetSchedMessage', message }); }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Named ways to bring a fresh VM into each reachable resting or transient state. */
export const reach = {
  PENDING: () => new VmScript().allocate(),
  HOLD: () => reach.PENDING().act('hold'),
  PROLOG: () => reach.PENDING().deploy(),
  BOOT: () => reach.PROLOG().tm(),
  RUNNING: () => reach.BOOT().vmm('DEPLOY'),
  UNKNOWN: () => reach.RUNNING().poll('d'),
  MIGRATE: () => reach.RUNNING().migrate(H2, true),
  SAVE_MIGRATE: () => reach.RUNNING().migrate(H2, false),
  PROLOG_MIGRATE: () => reach.SAVE_MIGRATE().vmm('SAVE'),
  SAVE_STOP: () => reach.RUNNING().act('stop'),
  EPILOG_STOP: () => reach.SAVE_STOP().vmm('SAVE'),
  STOPPED: () => reach.EPILOG_STOP().tm(),
  PROLOG_RESUME: () => reach.STOPPED().act('resume').deploy(H2),
  SAVE_SUSPEND: () => reach.RUNNING().act('suspend'),
  SUSPENDED: () => reach.SAVE_SUSPEND().vmm('SAVE'),
  SHUTDOWN: () => reach.RUNNING().act('shutdown'),
  EPILOG: () => reach.SHUTDOWN().vmm('SHUTDOWN'),
  CANCEL: () => reach.RUNNING().act('cancel'),
  DONE: () => reach.EPILOG().tm(),
  FAILED: () => reach.PROLOG().tm(false, 'copy failed'),
} as const;

export type Reachable = keyof typeof reach;

/** Only the driver requests, as `KIND ACTION host [prev]` strings for compact asserts. */
export function requests(effects: readonly VmEffect[]): string[] {
  return effects.flatMap((e) => {
    if (e.kind === 'state_changed') return [];
    if (e.kind === 'driver_cancel') return [`${e.driver.toUpperCase()} DRIVER_CANCEL`];
    return [`${e.kind.toUpperCase()} ${e.action} ${e.hostname}${e.prevHostname ? ` <${e.prevHostname}` : ''}`];
  });
}
