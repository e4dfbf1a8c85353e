import type { Plan } from '../actors/actor-system.ts';
import { domainError, ErrorCode, type DomainError } from '../events/domain-error.ts';
import type { DomainEvent } from '../events/envelope.ts';
import { streams } from '../events/envelope.ts';
import type { HostMachineState } from '../machines/host/host-types.ts';
import { HostState, hostStateName, LcmState, VmState as Dm } from '../machines/state-codes.ts';
import type { VmAction, VmCommand, VmState } from '../machines/vm/vm-types.ts';
import type { Result, VmQuery } from '../rpc/core-port.ts';
import type { VmView } from '../rpc/views.ts';
import { parseTemplate } from '../template/parse-template.ts';
import { getFloat, getInt, getSingle } from '../template/template-lookup.ts';
import { replaceAttributeAt, setSingle } from '../template/template-edit.ts';
import { substituteVariables } from '../template/substitute-variables.ts';
import { isVector, vector, type Template, type VectorAttribute } from '../template/template.ts';
import { checkCapacity } from './capacity-limits.ts';
import type { CoreContext, VmPollFigures } from './core-context.ts';
import { vmTemplateXml, vmView } from './state-views.ts';
import type { HookService } from './hook-service.ts';
import type { NetworkLeases } from './network-leases.ts';
import { frontEndFileProblem } from './front-end-files.ts';
import { outcome } from './outcome.ts';
import { transferInputProblem } from './transfer-inputs.ts';
import type { UserService } from './user-service.ts';

const fail = (code: DomainError['code'], message: string) => ({ ok: false as const, error: domainError(code, message) });

/** A Plan whose events the caller may still add to (the leases of an allocation). */
type VmPlan = { ok: true; events: Map<string, readonly DomainEvent[]> } | { ok: false; error: DomainError };

/** The capacity a VM asks of its host (spec §5.3): all zero unless CPU and MEMORY are both set. */
export function requirementOf(template: Template): { cpu: number; mem: number; disk: number } {
  const memory = getInt(template, 'MEMORY');
  const hasCpu = getSingle(template, 'CPU') !== undefined;
  if (!hasCpu || memory <= 0) return { cpu: 0, mem: 0, disk: 0 };
  return { cpu: Math.trunc(getFloat(template, 'CPU') * 100), mem: memory * 1024, disk: 0 };
}

/**
 * CONTEXT values with their `$` variables expanded (spec §9.2). Done after
 * the leases are taken, so `$NIC[IP, NETWORK="…"]` sees the leased address.
 */
export function withContextResolved(template: Template, otherVm: (vid: number) => Template | undefined): Template {
  const index = template.attributes.findIndex((a) => a.name === 'CONTEXT' && isVector(a));
  if (index < 0) return template;
  const context = template.attributes[index] as VectorAttribute;
  const resolved = vector('CONTEXT', context.pairs.map(([k, v]) => [k, substituteVariables(v, template, otherVm)] as const));
  return replaceAttributeAt(template, index, resolved);
}

interface CachedView {
  readonly state: VmState;
  readonly version: number;
  readonly username: string;
  /** A copy: the figures are compared by value, whoever updates them. */
  readonly poll: VmPollFigures | undefined;
  readonly view: VmView;
}

const samePoll = (a: VmPollFigures | undefined, b: VmPollFigures | undefined): boolean =>
  a === b ||
  (a !== undefined && b !== undefined && a.lastPoll === b.lastPoll && a.memory === b.memory && a.cpu === b.cpu && a.netTx === b.netTx && a.netRx === b.netRx);

/** Virtual machines: allocation with leases, user actions, and the driver replies. */
export class VmService {
  private readonly templateXml = new Map<number, { version: number; xml: string }>();
  private readonly viewCache = new Map<number, CachedView>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly users: UserService,
    private readonly leases: NetworkLeases,
    private readonly hooks: HookService,
  ) {}

  state(vid: number): VmState | undefined {
    return this.ctx.system.get('vm', vid)?.state as VmState | undefined;
  }

  // ---- reads ----------------------------------------------------------------

  view(vid: number): VmView | undefined {
    const actor = this.ctx.system.get('vm', vid);
    return actor && this.toView(actor.state as VmState, actor.version, this.users.nameOf((actor.state as VmState).uid));
  }

  views(query: VmQuery): VmView[] {
    const out: VmView[] = [];
    // Owner names looked up once per owner, not once per VM.
    const names = new Map<number, string>();
    for (const actor of this.ctx.system.all('vm')) {
      const vm = actor.state as VmState;
      if (query.uid !== undefined && vm.uid !== query.uid) continue;
      if (query.state === 'not-done' ? vm.state === Dm.DONE : query.state !== 'any' && vm.state !== query.state) continue;
      let username = names.get(vm.uid);
      if (username === undefined) names.set(vm.uid, (username = this.users.nameOf(vm.uid)));
      out.push(this.toView(vm, actor.version, username));
    }
    return out;
  }

  /** `<TEMPLATE>` of a VM, rendered once per version of its stream. */
  private templateXmlOf(vid: number): string {
    const actor = this.ctx.system.get('vm', vid)!;
    let cached = this.templateXml.get(vid);
    if (!cached || cached.version !== actor.version) {
      cached = { version: actor.version, xml: vmTemplateXml(actor.state as VmState) };
      this.templateXml.set(vid, cached);
    }
    return cached.xml;
  }

  /**
   * The same view object for as long as nothing it shows changes (its
   * stream's version, its poll figures, its owner's name): the XML-RPC layer
   * keeps each view's rendered pool entry, so an unchanged VM is never
   * rendered twice (rpc/documents/pool-pieces.ts).
   */
  private toView(vm: VmState, version: number, username: string): VmView {
    const poll = this.ctx.vmPolls.get(vm.id);
    const cached = this.viewCache.get(vm.id);
    if (cached && cached.state === vm && cached.version === version && cached.username === username && samePoll(cached.poll, poll)) {
      return cached.view;
    }
    // The template is rendered only when a document prints it (info, extended pool), then cached.
    const view = vmView(vm, username, poll, () => this.templateXmlOf(vm.id));
    this.viewCache.set(vm.id, { state: vm, version, username, poll: poll && { ...poll }, view });
    return view;
  }

  // ---- commands ---------------------------------------------------------------

  /** `one.vm.allocate` (spec §3.4, §7.5, §9.1): the VM and its leases commit in one append, or nothing does. */
  async allocate(callerUid: number, templateText: string): Promise<Result<number>> {
    const parsed = parseTemplate(`${templateText}\n`);
    if (!parsed.ok) {
      const e = parsed.error;
      return fail(ErrorCode.XML_RPC_API, `Error parsing VM template: ${e.message}`);
    }
    const badCapacity = checkCapacity(parsed.value);
    if (badCapacity) return { ok: false, error: badCapacity };
    return this.ctx.system.withNextId('vm', (vid) => this.allocateAs(vid, callerUid, parsed.value));
  }

  private async allocateAs(vid: number, callerUid: number, parsed: Template): Promise<Result<number>> {
    const name = getSingle(parsed, 'NAME') || `one-${vid}`;
    let template = setSingle(setSingle(parsed, 'NAME', name), 'VMID', String(vid));
    const networkStreams = this.leases.streamsForNewVm(template);
    if (!networkStreams.ok) return networkStreams;
    const vmStream = streams.vm(vid);
    const now = this.ctx.clock.now();
    const r = await this.ctx.system.transact([vmStream, streams.hook(vid), ...networkStreams.value], (states): Plan => {
      const taken = this.leases.planAllocation(vid, callerUid, template);
      if (!taken.ok) return taken;
      template = withContextResolved(taken.template, (other) => this.state(other)?.template as Template | undefined);
      // Checked on the final template: leases and `$` variables have filled in NIC and CONTEXT by now.
      const badInput = transferInputProblem(template);
      if (badInput) return fail(ErrorCode.XML_RPC_API, `[VirtualMachineAllocate] ${badInput}`);
      // DISK SOURCE and CONTEXT FILES are copied from the front-end: only SAFE_DIRS for users but oneadmin.
      const badFile = frontEndFileProblem(template, callerUid, this.ctx.config.safeDirs);
      if (badFile) return fail(ErrorCode.XML_RPC_API, `[VirtualMachineAllocate] ${badFile}`);
      const command: VmCommand = { type: 'Allocate', vid, uid: callerUid, name, template, requirement: requirementOf(template), now };
      const planned = this.planVm(vid, states, command);
      if (!planned.ok) return planned;
      for (const [stream, events] of taken.events) planned.events.set(stream, events);
      return planned;
    }, { uid: callerUid, cause: 'one.vm.allocate' });
    return r.ok ? { ok: true, value: vid } : r;
  }

  async deploy(callerUid: number, vid: number, hid: number): Promise<Result<void>> {
    if (!this.state(vid)) return fail(ErrorCode.NO_EXISTS, `Virtual machine ${vid} does not exist`);
    const host = this.ctx.system.get('host', hid)?.state as HostMachineState | undefined;
    if (!host || host.deleted) return fail(ErrorCode.NO_EXISTS, `The host ${hid} does not exists`);
    // 1.4 deployed onto any host. A disabled or failing host takes no new VM,
    // so that a scheduler acting on a plan made a moment earlier cannot place one there.
    if (host.state === HostState.DISABLED || host.state === HostState.ERROR) {
      return fail(ErrorCode.ACTION, `Can not deploy VM ${vid}: host ${hid} (${host.name}) is ${hostStateName[host.state]}`);
    }
    const r = await this.command(vid, { type: 'Deploy', ...this.target(host), now: this.ctx.clock.now() }, callerUid, 'one.vm.deploy');
    return !r.ok && r.error.code === ErrorCode.ACTION ? fail(ErrorCode.ACTION, `Can not deploy VM ${vid}, wrong state`) : r;
  }

  async migrate(callerUid: number, vid: number, hid: number, live: boolean): Promise<Result<void>> {
    if (!this.state(vid)) return fail(ErrorCode.NO_EXISTS, `Virtual machine ${vid} does not exist`);
    const host = this.ctx.system.get('host', hid)?.state as HostMachineState | undefined;
    if (!host || host.deleted) return fail(ErrorCode.NO_EXISTS, `The host ${hid} does not exists`);
    const r = await this.command(vid, { type: 'Migrate', live, ...this.target(host), now: this.ctx.clock.now() }, callerUid, 'one.vm.migrate');
    return !r.ok && r.error.code === ErrorCode.ACTION ? fail(ErrorCode.ACTION, `Can not migrate VM ${vid}, wrong state`) : r;
  }

  /** `one.vm.schedmessage`: the text was checked at the edge; an unchanged text appends nothing. */
  async setSchedMessage(callerUid: number, vid: number, message: string): Promise<Result<void>> {
    if (!this.state(vid)) return fail(ErrorCode.NO_EXISTS, `The virtual machine ${vid} does not exists`);
    const command: VmCommand = { type: 'SetSchedMessage', message, now: this.ctx.clock.now() };
    return this.command(vid, command, callerUid, 'one.vm.schedmessage');
  }

  async act(callerUid: number, vid: number, action: VmAction): Promise<Result<void>> {
    if (!this.state(vid)) return fail(ErrorCode.NO_EXISTS, 'Virtual machine does not exist');
    return this.command(vid, { type: 'Act', action, now: this.ctx.clock.now() }, callerUid, `one.vm.action ${action}`);
  }

  private target(host: HostMachineState) {
    return { hid: host.id, hostname: host.name, vmDir: this.ctx.config.vmDir, vmMad: host.vmMad, tmMad: host.tmMad };
  }

  /**
   * Every VM command goes through here: the VM's networks are locked with it,
   * so that a transition into DONE releases its leases in the same append.
   */
  command(vid: number, command: VmCommand, uid: number | undefined, cause: string): Promise<Result<void>> {
    const vm = this.state(vid);
    if (!vm) return Promise.resolve(fail(ErrorCode.NO_EXISTS, 'Virtual machine does not exist'));
    const networkStreams = this.leases.streamsOfVm(vm.template as Template);
    return this.ctx.system
      .transact([streams.vm(vid), streams.hook(vid), ...networkStreams], (states) => this.planVm(vid, states, command), { uid, cause })
      .then(outcome);
  }

  /**
   * The events of one VM command, plus what must commit with them: the hook
   * runs the transition fires, and the release of every lease when it ends
   * the VM (a VM reaches DONE by many paths; this is the one place for all).
   */
  private planVm(vid: number, states: ReadonlyMap<string, unknown>, command: VmCommand): VmPlan {
    const vmStream = streams.vm(vid);
    const before = states.get(vmStream) as VmState;
    const decision = this.ctx.system.decide('vm', before, command);
    if (!decision.ok) return decision;
    const events = new Map<string, readonly DomainEvent[]>([[vmStream, decision.events]]);
    if (decision.events.length === 0) return { ok: true, events };
    const after = this.ctx.system.fold('vm', before, decision.events) as VmState;
    if (before.state !== Dm.DONE && after.state === Dm.DONE) {
      for (const [stream, released] of this.leases.planRelease(vid, before.template as Template)) events.set(stream, released);
    }
    const runs = this.hooks.plan(before, after);
    if (runs.length > 0) {
      const queued = this.ctx.system.decide('hook', states.get(streams.hook(vid)), { type: 'Queue', vid, runs });
      if (queued.ok) events.set(streams.hook(vid), queued.events);
    }
    return { ok: true, events };
  }

  /** Running or lost VMs whose last poll is older than VM_POLLING_INTERVAL (spec §4.4). */
  duePolls(now: number): VmState[] {
    // One pass without intermediate arrays: this runs every second over every VM.
    const due: VmState[] = [];
    for (const actor of this.ctx.system.all('vm')) {
      const vm = actor.state as VmState;
      if (this.pollDue(vm, now)) due.push(vm);
    }
    return due;
  }

  /** A RUNNING or UNKNOWN VM never polled, or last polled VM_POLLING_INTERVAL or more ago. */
  pollDue(vm: VmState, now: number): boolean {
    if (vm.state !== Dm.ACTIVE || (vm.lcm !== LcmState.RUNNING && vm.lcm !== LcmState.UNKNOWN)) return false;
    return now - (this.ctx.vmPolls.get(vm.id)?.lastPoll ?? 0) >= this.ctx.config.vmPollingInterval;
  }
}
