/**
 * Model-based check of the VM decider against the independent reference
 * model (test/model/reference). Random runs drive several VMs over several
 * hosts with user actions and driver replies (awaited, failing, late,
 * duplicated, and for a deleted VM) and check after every step:
 *   - (STATE, LCM_STATE) and the history records equal the model's;
 *   - a wrong-state action is rejected with 0x800 and appends nothing,
 *     an ignored reply appends nothing;
 *   - every host's used capacity equals the sum over the VMs counted on it;
 *   - history timestamps only move forward (a changed time is always `now`);
 *   - the driver request the spec asks for is among the effects;
 * and at the end of the run:
 *   - folding the accepted events from initialState gives the live state;
 *   - a JSON snapshot at a random point, then folding the rest, gives the same.
 *
 * Failures print fast-check's seed and path; re-run one with
 *   FC_SEED=<seed> FC_PATH=<path> node --import tsx --test test/model/vm-lifecycle.test.ts
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { capacityByHost, vmDecider } from '../../src/machines/vm/vm-decider.ts';
import type { HostTarget, VmCommand, VmState } from '../../src/machines/vm/vm-types.ts';
import type { VmEvent, VmRequirement } from '../../src/events/vm-events.ts';
import { ErrorCode } from '../../src/events/domain-error.ts';
import { allocatedVm, stepVm, type RefVm, type RefVmInput } from './reference/vm-reference-model.ts';
import { DM, LCM, vmStateName } from './reference/vm-codes.ts';
import { chooseVm, resolveMove, vmStepArb, type VmStep } from './support/vm-moves.ts';
import { expectedRequests, satisfies } from './support/expected-requests.ts';
import { fcRunParams } from './support/fc-run-params.ts';

const HOSTS: readonly HostTarget[] = [0, 1, 2].map((hid) => ({
  hid, hostname: `node${hid}`, vmDir: '/srv/one/var', vmMad: 'vmm_kvm', tmMad: 'tm_ssh',
}));
const BASE_TIME = 1_700_000_000;
const requirementOf = (vid: number): VmRequirement => ({ cpu: 50 * (vid + 1), mem: 262_144 * (vid + 1), disk: 7 * (vid + 1) });

interface TrackedVm {
  readonly vid: number;
  model: RefVm;
  state: VmState;
  readonly events: VmEvent[];
  lastReply?: RefVmInput;
  /** §4.4: the first word of the last accepted DEPLOY SUCCESS info. */
  deployId: string;
}

function toCommand(input: RefVmInput, now: number): VmCommand {
  switch (input.kind) {
    case 'deploy': return { type: 'Deploy', ...HOSTS[input.hid], now };
    case 'migrate': return { type: 'Migrate', ...HOSTS[input.hid], live: input.live, now };
    case 'action': return { type: 'Act', action: input.action, now };
    case 'vmm': return { type: 'DriverReplied', driver: 'vmm', verb: input.verb, success: input.success, info: input.success ? `${domainName(now)} started` : '- driver error', now };
    case 'tm': return { type: 'DriverReplied', driver: 'tm', verb: 'TRANSFER', success: input.success, info: input.success ? '' : 'scp failed', now };
    case 'poll': return { type: 'Polled', stateLetter: input.letter, now };
    case 'sched': return { type: 'SetSchedMessage', message: input.message, now };
  }
}

/** Domain names differ per reply so that a stale DEPLOY_ID shows. */
const domainName = (now: number) => `one-dom-${now}`;

const TIME_FIELDS = ['stime', 'etime', 'pstime', 'petime', 'rstime', 'retime', 'estime', 'eetime'] as const;

/** The part of the state the reference model speaks about. */
function machineView(s: VmState) {
  return {
    state: vmStateName(s.state, s.lcm),
    times: [s.stime, s.etime],
    history: s.history.map((h) => ({ seq: h.seq, hid: h.hid, ...Object.fromEntries(TIME_FIELDS.map((f) => [f, h[f]])), reason: h.reason })),
    held: s.heldCapacity.map((c) => c.hid).sort(),
    ...(s.lcm === LCM.BOOT ? { bootVerb: s.bootVerb } : {}),
    schedMessage: s.schedMessage ?? '',
  };
}
function modelView(m: RefVm) {
  return {
    state: vmStateName(m.dm, m.lcm),
    times: [m.stime, m.etime],
    history: m.history.map((h) => ({ seq: h.seq, hid: h.hid, ...Object.fromEntries(TIME_FIELDS.map((f) => [f, h[f]])), reason: h.reason })),
    held: [...m.held].sort(),
    ...(m.lcm === LCM.BOOT ? { bootVerb: m.bootBy } : {}),
    schedMessage: m.schedMessage,
  };
}

const fold = (events: readonly VmEvent[], from: VmState = vmDecider.initialState) => events.reduce((s, e) => vmDecider.evolve(s, e), from);

function checkTimesMoveForward(before: VmState, after: VmState, now: number, where: string): void {
  after.history.forEach((rec, i) => {
    const old = before.history[i];
    for (const f of TIME_FIELDS) {
      const was = old ? old[f] : 0;
      if (rec[f] !== was) assert.equal(rec[f], now, `history[${i}].${f} changed from ${was} to ${rec[f]}, not to now=${now}, ${where}`);
    }
  });
}

/** §5.3: every host's CPU/MEM/DISK_USAGE and RUNNING_VMS (as the pools will show them) vs the model. */
function checkCapacity(vms: readonly TrackedVm[], where: string): void {
  const usage = capacityByHost(vms.map((vm) => vm.state));
  for (const host of HOSTS) {
    const model = { cpu: 0, mem: 0, disk: 0, runningVms: 0 };
    for (const vm of vms) {
      const req = requirementOf(vm.vid);
      const count = vm.model.held.filter((hid) => hid === host.hid).length;
      model.cpu += count * req.cpu; model.mem += count * req.mem; model.disk += count * req.disk; model.runningVms += count;
    }
    const machine = usage.get(host.hid) ?? { cpu: 0, mem: 0, disk: 0, runningVms: 0 };
    assert.deepEqual({ ...machine }, model, `capacity used on host ${host.hid}, ${where}`);
  }
}

/** What the runs reached, so that a generator that stops reaching deep states fails the suite. */
const reached = new Set<string>();

function runScenario(vmCount: number, steps: readonly VmStep[], snapshotAt: number): void {
  let now = BASE_TIME;
  const trace: string[] = [];
  const where = () => `after:\n  ${trace.slice(-12).join('\n  ')}`;
  const vms: TrackedVm[] = [];

  // Nothing but Allocate is accepted by a VM that does not exist yet.
  const early = vmDecider.decide(vmDecider.initialState, { type: 'Act', action: 'finalize', now });
  assert.equal(early.ok, false, 'finalize of a VM that was never allocated must be rejected');

  const allocate = (vid: number): TrackedVm => {
    const d = vmDecider.decide(vmDecider.initialState, { type: 'Allocate', vid, uid: 0, name: `vm${vid}`, template: {}, requirement: requirementOf(vid), now });
    assert.ok(d.ok, `allocate vm${vid}`);
    const state = fold(d.events);
    assert.deepEqual(machineView(state), modelView(allocatedVm(now)), `vm${vid} right after Allocate`);
    const vm: TrackedVm = { vid, model: allocatedVm(now), state, events: [...d.events], deployId: '' };
    vms.push(vm);
    return vm;
  };
  /** The VMs the steps drive; a DONE one may be replaced by a fresh VM (the old one stays in `vms`). */
  const slots: TrackedVm[] = [];
  for (let vid = 0; vid < vmCount; vid++) slots.push(allocate(vid));

  steps.forEach((step, i) => {
    now += step.dt;
    const slot = chooseVm(slots.map((v) => v.model), step);
    const vm = slots[slot];
    const input = resolveMove(step.move, vm.model, vm.lastReply);
    if (input === 'replace') {
      slots[slot] = allocate(vms.length);
      trace.push(`#${i} t=${now} vm${vm.vid} is DONE: allocated vm${slots[slot].vid} in its place`);
      return;
    }
    if (input === 'reallocate') {
      const d = vmDecider.decide(vm.state, { type: 'Allocate', vid: vm.vid, uid: 0, name: 'again', template: {}, requirement: requirementOf(vm.vid), now });
      trace.push(`#${i} vm${vm.vid} t=${now} Allocate again → ${d.ok ? 'ACCEPTED' : 'rejected'}`);
      assert.equal(d.ok, false, `allocating vm${vm.vid} twice must be rejected, ${where()}`);
      return;
    }
    if (input.kind === 'vmm' || input.kind === 'tm' || input.kind === 'poll') vm.lastReply = input;
    const outcome = stepVm(vm.model, input, now);
    const decision = vmDecider.decide(vm.state, toCommand(input, now));
    const before = vmStateName(vm.model.dm, vm.model.lcm);
    trace.push(`#${i} vm${vm.vid} t=${now} ${JSON.stringify(input)} in ${before}: model ${outcome.kind}` +
      (outcome.kind === 'changed' ? ` → ${vmStateName(outcome.vm.dm, outcome.vm.lcm)}` : '') +
      `, machine ${decision.ok ? `[${decision.events.map((e) => e.type).join(', ')}]` : `rejected 0x${decision.error.code.toString(16)}`}`);

    reached.add(outcome.kind === 'changed' ? vmStateName(outcome.vm.dm, outcome.vm.lcm) : `${outcome.kind} ${input.kind}`);
    reached.add(`${outcome.kind} ${step.move.t === 'duplicate' ? 'duplicate' : input.kind} in ${before}`);
    switch (outcome.kind) {
      case 'wrong-state':
        assert.ok(!decision.ok, `expected "wrong state", machine accepted, ${where()}`);
        assert.equal(decision.error.code, ErrorCode.ACTION, `wrong-state code, ${where()}`);
        return;
      case 'ignored':
        assert.ok(!decision.ok || decision.events.length === 0, `an ignored reply must append nothing, ${where()}`);
        return;
      case 'noop':
        assert.ok(decision.ok && decision.events.length === 0, `expected success with nothing to append, ${where()}`);
        return;
      case 'changed': {
        assert.ok(decision.ok && decision.events.length > 0, `expected events, ${where()}`);
        let state = vm.state;
        const effects: Record<string, unknown>[] = [];
        for (const event of decision.events) {
          assert.equal((event as { now?: number }).now, now, `event ${event.type} must carry the command time, ${where()}`);
          const next = vmDecider.evolve(state, event);
          effects.push(...vmDecider.effects(state, event, next).map((e) => ({ ...e })));
          state = next;
        }
        checkTimesMoveForward(vm.state, state, now, where());
        for (const wanted of expectedRequests(vm.model, input, outcome.vm, (hid) => HOSTS[hid].hostname)) {
          assert.ok(effects.some((e) => satisfies(e, wanted)),
            `expected the request ${JSON.stringify(wanted)} among ${JSON.stringify(effects)}, ${where()}`);
        }
        // Invariant 4 at the decider level: a VM left waiting on a driver has something to re-issue.
        const transient = outcome.vm.dm === DM.ACTIVE && outcome.vm.lcm !== LCM.RUNNING && outcome.vm.lcm !== LCM.UNKNOWN;
        const reconcile = vmDecider.reconcile(state);
        if (transient) assert.ok(reconcile.length > 0, `reconcile must re-issue something in ${vmStateName(outcome.vm.dm, outcome.vm.lcm)}, ${where()}`);
        if (outcome.vm.dm !== DM.ACTIVE) assert.deepEqual(reconcile, [], `reconcile of a settled VM must be empty, ${where()}`);
        vm.state = state;
        vm.model = outcome.vm;
        vm.events.push(...decision.events);
        checkCapacity(vms, where());
        assert.deepEqual(machineView(state), modelView(outcome.vm), `state differs from the model, ${where()}`);
        if (input.kind === 'vmm' && input.verb === 'DEPLOY' && input.success) vm.deployId = domainName(now);
        assert.equal(state.deployId, vm.deployId, `DEPLOY_ID, ${where()}`);
        for (const e of effects) {
          if (e.kind === 'vmm') assert.equal(e.deployId, vm.deployId, `VMM requests carry the current DEPLOY_ID, ${where()}`);
        }
      }
    }
  });

  for (const vm of vms) {
    const replayed = fold(vm.events);
    assert.deepEqual(replayed, vm.state, `replaying vm${vm.vid}'s log must give the live state`);
    const cut = Math.floor(snapshotAt * (vm.events.length + 1));
    const snapshot = JSON.parse(JSON.stringify(fold(vm.events.slice(0, cut)))) as VmState;
    assert.deepEqual(fold(vm.events.slice(cut), snapshot), replayed, `snapshot of vm${vm.vid} at event ${cut} + the rest must equal the fold`);
  }
}

describe('VM life-cycle against the reference model (spec §2.3–2.5)', () => {
  it('random runs of several VMs on several hosts keep machine and model in step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(vmStepArb(HOSTS.length), { minLength: 1, maxLength: 40, size: 'max' }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (vmCount, steps, snapshotAt) => runScenario(vmCount, steps, snapshotAt),
      ),
      fcRunParams(300),
    );
    if (process.env.FC_PATH === undefined) {
      const wanted = [
        'PENDING', 'HOLD', 'STOPPED', 'SUSPENDED', 'DONE', 'FAILED',
        ...['PROLOG', 'BOOT', 'RUNNING', 'MIGRATE', 'SAVE_STOP', 'SAVE_SUSPEND', 'SAVE_MIGRATE', 'PROLOG_MIGRATE',
          'PROLOG_RESUME', 'EPILOG_STOP', 'EPILOG', 'SHUTDOWN', 'CANCEL', 'UNKNOWN'].map((l) => `ACTIVE/${l}`),
        'wrong-state action', 'wrong-state deploy', 'wrong-state migrate', 'noop action',
        'ignored vmm', 'ignored tm', 'ignored poll',
        // late replies for a deleted VM, duplicated replies, the 2.2 resubmit corner cases
        'ignored vmm in DONE', 'ignored tm in DONE', 'ignored poll in DONE', 'noop action in DONE',
        'ignored duplicate in ACTIVE/RUNNING', 'ignored duplicate in ACTIVE/BOOT', 'changed duplicate in ACTIVE/PROLOG',
        'wrong-state action in SUSPENDED', 'noop action in PENDING', 'changed action in FAILED',
        // SCHED_MESSAGE: set, repeated (nothing appended), refused outside PENDING
        'changed sched in PENDING', 'noop sched in PENDING', 'wrong-state sched',
      ];
      const missing = wanted.filter((w) => !reached.has(w));
      assert.deepEqual(missing, [], `never reached (has the generator drifted?): ${missing.join('; ')}`);
    }
  });
});
