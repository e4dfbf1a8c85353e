/** Host transitions of spec §5.1, the monitoring schedule of §5.2, and the host chart agreement. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { transition } from 'xstate';
import { ErrorCode } from '../../../../src/events/domain-error.ts';
import type { HostEvent } from '../../../../src/events/host-events.ts';
import { hostDecider, isMonitoringDue } from '../../../../src/machines/host/host-decider.ts';
import { hostCodeOf, hostMachine, hostStateValue } from '../../../../src/machines/host/host-machine.ts';
import type { HostCommand, HostMachineState } from '../../../../src/machines/host/host-types.ts';
import { HostState as H, hostStateName } from '../../../../src/machines/state-codes.ts';

type NoNow = HostCommand extends infer C ? (C extends unknown ? Omit<C, 'now'> : never) : never;

function run(state: HostMachineState, cmd: HostCommand) {
  const d = hostDecider.decide(state, cmd);
  assert.ok(d.ok, `expected ${cmd.type} to be accepted`);
  let s = state;
  const effects = [];
  for (const e of d.events) {
    const next = hostDecider.evolve(s, e);
    effects.push(...hostDecider.effects(s, e, next));
    s = next;
  }
  return { state: s, events: d.events, effects };
}

const ALLOC: HostCommand = { type: 'Allocate', now: 1000, hid: 3, name: 'node3', imMad: 'im_kvm', vmMad: 'vmm_kvm', tmMad: 'tm_ssh' };
const fresh = () => run(hostDecider.initialState, ALLOC).state;
const monitoring = () => run(fresh(), { type: 'MonitoringStarted', now: 1100 }).state;
const SHARE = { maxCpu: 800, maxMem: 16_000_000, maxDisk: 0, freeCpu: 790, freeMem: 15_000_000, freeDisk: 0, usedCpu: 10, usedMem: 1_000_000, usedDisk: 0 };

describe('host transitions (spec §5.1)', () => {
  it('allocate → INIT with LAST_MON_TIME = creation time (§5.2)', () => {
    const h = fresh();
    assert.deepEqual([h.id, h.name, h.state, h.lastMonTime, h.imMad, h.vmMad, h.tmMad], [3, 'node3', H.INIT, 1000, 'im_kvm', 'vmm_kvm', 'tm_ssh']);
    assert.equal(isMonitoringDue(h, 1059, 60), false, 'first monitoring waits one interval');
    assert.equal(isMonitoringDue(h, 1060, 60), true);
  });
  for (const from of [H.INIT, H.MONITORED, H.ERROR]) {
    it(`${hostStateName[from]}: monitoring started → MONITORING, MONITOR sent`, () => {
      const h = { ...fresh(), state: from };
      const r = run(h, { type: 'MonitoringStarted', now: 1100 });
      assert.equal(r.state.state, H.MONITORING);
      assert.deepEqual(r.effects, [{ kind: 'im', action: 'MONITOR', hid: 3, hostname: 'node3', imMad: 'im_kvm' }]);
    });
    it(`${hostStateName[from]}: monitoring due but IM driver unknown → ERROR, nothing sent`, () => {
      const r = hostDecider.decide({ ...fresh(), state: from }, { type: 'MonitoringStarted', now: 1100, driverFound: false });
      if (from === H.ERROR) return assert.deepEqual(r, { ok: true, events: [] });
      const s = run({ ...fresh(), state: from }, { type: 'MonitoringStarted', now: 1100, driverFound: false });
      assert.equal(s.state.state, H.ERROR);
      assert.deepEqual(s.effects, []);
    });
  }
  for (const from of [H.MONITORING, H.DISABLED]) {
    it(`${hostStateName[from]}: monitoring start is rejected`, () => {
      const d = hostDecider.decide({ ...fresh(), state: from }, { type: 'MonitoringStarted', now: 1100 });
      assert.equal(d.ok, false);
      if (!d.ok) assert.equal(d.error.code, ErrorCode.ACTION);
    });
  }
  it('MONITORING: success → MONITORED, LAST_MON_TIME and share updated', () => {
    const r = run(monitoring(), { type: 'MonitorReplied', now: 1105, success: true, share: SHARE });
    assert.deepEqual([r.state.state, r.state.lastMonTime], [H.MONITORED, 1105]);
    assert.deepEqual(r.state.monitoredShare, SHARE);
  });
  it('a partial share keeps the figures it does not mention', () => {
    const first = run(monitoring(), { type: 'MonitorReplied', now: 1105, success: true, share: SHARE }).state;
    const again = run({ ...first, state: H.MONITORING }, { type: 'MonitorReplied', now: 1200, success: true, share: { freeCpu: 100 } }).state;
    assert.deepEqual(again.monitoredShare, { ...SHARE, freeCpu: 100 });
  });
  it('MONITORING: failure → ERROR with message; a later success clears it', () => {
    const r = run(monitoring(), { type: 'MonitorReplied', now: 1105, success: false, message: 'ssh: timeout' });
    assert.deepEqual([r.state.state, r.state.lastMonTime, r.state.errorMessage], [H.ERROR, 1105, 'ssh: timeout']);
    const ok = run({ ...r.state, state: H.MONITORING }, { type: 'MonitorReplied', now: 1200, success: true, share: SHARE });
    assert.equal('errorMessage' in ok.state, false);
  });
  it('MONITORING for 600 s after LAST_MON_TIME → INIT on Tick, not before', () => {
    const h = monitoring();
    assert.deepEqual(hostDecider.decide(h, { type: 'Tick', now: 1599 }), { ok: true, events: [] });
    const r = run(h, { type: 'Tick', now: 1600 });
    assert.equal(r.state.state, H.INIT);
    assert.deepEqual(hostDecider.decide(r.state, { type: 'Tick', now: 5000 }), { ok: true, events: [] });
  });
  for (const from of [H.INIT, H.MONITORING, H.MONITORED, H.ERROR]) {
    it(`${hostStateName[from]}: disable → DISABLED; enable → INIT`, () => {
      const d = run({ ...fresh(), state: from }, { type: 'Enable', now: 1100, enable: false });
      assert.equal(d.state.state, H.DISABLED);
      assert.equal(run(d.state, { type: 'Enable', now: 1200, enable: true }).state.state, H.INIT);
    });
  }
  it('MONITORED: enable → INIT; enabling an INIT host records nothing', () => {
    assert.equal(run({ ...fresh(), state: H.MONITORED }, { type: 'Enable', now: 1, enable: true }).state.state, H.INIT);
    assert.deepEqual(hostDecider.decide(fresh(), { type: 'Enable', now: 1, enable: true }), { ok: true, events: [] });
  });
  it('DISABLED: a late result keeps DISABLED but updates LAST_MON_TIME', () => {
    const d = run(monitoring(), { type: 'Enable', now: 1101, enable: false }).state;
    const ok = run(d, { type: 'MonitorReplied', now: 1105, success: true, share: SHARE }).state;
    assert.deepEqual([ok.state, ok.lastMonTime], [H.DISABLED, 1105]);
    const ko = run(d, { type: 'MonitorReplied', now: 1106, success: false, message: 'x' }).state;
    assert.deepEqual([ko.state, ko.lastMonTime], [H.DISABLED, 1106]);
    assert.equal(isMonitoringDue(ok, 99_999, 60), false, 'a disabled host is never due');
  });
  it('delete works in any state; the stream then rejects everything', () => {
    const del = run(monitoring(), { type: 'Delete', now: 1200 }).state;
    assert.equal(del.deleted, true);
    const d = hostDecider.decide(del, { type: 'Enable', now: 1300, enable: true });
    assert.equal(d.ok, false);
    if (!d.ok) assert.equal(d.error.code, ErrorCode.NO_EXISTS);
    assert.deepEqual(hostDecider.reconcile(del), []);
  });
  it('unknown host and double allocate are rejected', () => {
    assert.equal(hostDecider.decide(hostDecider.initialState, { type: 'Tick', now: 1 }).ok, false);
    assert.equal(hostDecider.decide(fresh(), ALLOC).ok, false);
  });
  it('reconcile: a host found MONITORING gets MONITOR again; others nothing', () => {
    assert.deepEqual(hostDecider.reconcile(monitoring()), [{ kind: 'im', action: 'MONITOR', hid: 3, hostname: 'node3', imMad: 'im_kvm' }]);
    for (const s of [H.INIT, H.MONITORED, H.ERROR, H.DISABLED]) assert.deepEqual(hostDecider.reconcile({ ...fresh(), state: s }), []);
  });
});

const COMMANDS: NoNow[] = [
  { type: 'Enable', enable: true }, { type: 'Enable', enable: false }, { type: 'Delete' },
  { type: 'MonitoringStarted' }, { type: 'MonitoringStarted', driverFound: false },
  { type: 'MonitorReplied', success: true, share: { freeCpu: 5 } }, { type: 'MonitorReplied', success: false, message: 'm' },
  { type: 'Tick' },
];

describe('evolveHost agrees with the host XState chart', () => {
  it('on random command sequences, with snapshot round-trip', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...COMMANDS), fc.integer({ min: 0, max: 400 })), { maxLength: 40 }), (steps) => {
      let now = 1000;
      const log: HostEvent[] = [];
      let h = hostDecider.initialState;
      let chart = hostMachine.resolveState({ value: 'NEW', context: undefined as never });
      const apply = (e: HostEvent) => {
        const from = hostMachine.resolveState({ value: hostStateValue(h), context: undefined as never });
        assert.ok(from.can(e), `chart has no ${e.type} from ${String(from.value)}`);
        h = hostDecider.evolve(h, e);
        [chart] = transition(hostMachine, chart, e);
        assert.deepEqual(chart.value, hostStateValue(h));
        if (!h.deleted) assert.equal(hostCodeOf(chart.value), h.state);
        log.push(e);
      };
      const first = hostDecider.decide(h, { ...ALLOC, now });
      assert.ok(first.ok);
      first.events.forEach(apply);
      for (const [c, gap] of steps) {
        now += gap;
        const d = hostDecider.decide(h, { ...c, now } as HostCommand);
        if (d.ok) d.events.forEach(apply);
      }
      assert.deepEqual(log.reduce(hostDecider.evolve, hostDecider.initialState), h);
      assert.deepEqual(JSON.parse(JSON.stringify(h)), h);
    }), { numRuns: 300 });
  });
});
