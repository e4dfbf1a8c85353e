/**
 * The charts as a live guard (src/machines/chart-check.ts, src/actors/chart-guard.ts):
 * the check finds a decider or a fold that leaves the chart, and on random
 * walks it never refuses what the real deciders decide.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chartGuarded } from '../../../src/actors/chart-guard.ts';
import { ErrorCode } from '../../../src/events/domain-error.ts';
import type { HostEvent } from '../../../src/events/host-events.ts';
import { vmEventTypes } from '../../../src/events/vm-events.ts';
import type { VmEvent } from '../../../src/events/vm-events.ts';
import { checkAgainstChart, hostChart, vmChart } from '../../../src/machines/chart-check.ts';
import type { ChartDisagreement, ChartModel } from '../../../src/machines/chart-check.ts';
import type { Decider } from '../../../src/machines/decider.ts';
import type { DomainEvent } from '../../../src/events/envelope.ts';
import { hostDecider } from '../../../src/machines/host/host-decider.ts';
import type { HostCommand } from '../../../src/machines/host/host-types.ts';
import { LcmState, VmState as Dm } from '../../../src/machines/state-codes.ts';
import { vmDecider } from '../../../src/machines/vm/vm-decider.ts';
import type { VmCommand, VmState } from '../../../src/machines/vm/vm-types.ts';
import { reach, REQ, walkPool, walkStepsArb } from './vm/vm-fixtures.ts';

const foldAll = <S, E>(evolve: (s: S, e: E) => S, from: S, events: readonly E[]): S => events.reduce(evolve, from);

describe('checkAgainstChart', () => {
  it('passes a normal VM walk event by event, and a host walk', () => {
    const script = reach.DONE();
    const log = script.log;
    for (let i = 0; i < log.length; i++) {
      const before = foldAll(vmDecider.evolve, vmDecider.initialState, log.slice(0, i));
      assert.equal(checkAgainstChart(vmChart, vmDecider.evolve, before, [log[i]!]), undefined, log[i]!.type);
    }
    assert.equal(checkAgainstChart(vmChart, vmDecider.evolve, vmDecider.initialState, log), undefined, 'the whole walk at once');
    const host: HostEvent[] = [
      { type: 'HostAllocated', hid: 2, name: 'n2', imMad: 'im', vmMad: 'vmm', tmMad: 'tm', now: 1 },
      { type: 'HostMonitoringStarted', now: 2 },
      { type: 'HostMonitorFailed', now: 3, message: 'down' },
      { type: 'HostDisabled', now: 4 },
      { type: 'HostMonitored', now: 5, share: hostDecider.initialState.monitoredShare },
      { type: 'HostDeleted', now: 6 },
    ];
    assert.equal(checkAgainstChart(hostChart, hostDecider.evolve, hostDecider.initialState, host), undefined);
  });

  it('names both states when the chart has no such transition', () => {
    const running = reach.RUNNING().state;
    const held: VmEvent = { type: 'VmHeld', now: 5 };
    assert.deepEqual(checkAgainstChart(vmChart, vmDecider.evolve, running, [held]),
      { entity: 'VM', id: 7, event: 'VmHeld', chart: 'ACTIVE.RUNNING', fold: 'HOLD', allowed: false });
  });

  it('names both states when the chart allows the event but the fold lands elsewhere', () => {
    const running = reach.RUNNING().state;
    // A fold that takes shutdown for cancel.
    const wrongFold = (vm: VmState, e: VmEvent): VmState =>
      (e.type === 'VmShutdownRequested' ? { ...vm, lcm: LcmState.CANCEL } : vmDecider.evolve(vm, e));
    assert.deepEqual(checkAgainstChart(vmChart, wrongFold, running, [{ type: 'VmShutdownRequested', now: 5 }]),
      { entity: 'VM', id: 7, event: 'VmShutdownRequested', chart: 'ACTIVE.SHUTDOWN', fold: 'ACTIVE.CANCEL', allowed: true });
  });

  it('refuses from a fold state the chart does not declare (ACTIVE without an LCM state)', () => {
    const odd: VmState = { ...reach.PENDING().state, state: Dm.ACTIVE, lcm: LcmState.LCM_INIT };
    const d = checkAgainstChart(vmChart, vmDecider.evolve, odd, [{ type: 'VmHeld', now: 5 }]);
    assert.equal(d?.allowed, false);
    assert.match(d!.chart, /no chart state ACTIVE\.LCM_INIT/);
  });
});

/** Runs the real decider and its guarded twin side by side; they must decide alike. */
function twins<S, C, E extends DomainEvent, F>(decider: Decider<S, C, E, F>, chart: ChartModel<S>) {
  const reports: ChartDisagreement[] = [];
  const guarded = chartGuarded(decider, chart, (d) => reports.push(d));
  return {
    reports,
    step(state: S, command: C): S {
      const raw = decider.decide(state, command);
      assert.deepEqual(guarded.decide(state, command), raw, `guard changed the decision on ${JSON.stringify(command)}: ${JSON.stringify(reports)}`);
      return raw.ok ? foldAll(decider.evolve, state, raw.events) : state;
    },
  };
}

describe('the chart guard never refuses the real deciders', () => {
  it('on random VM walks that reach every event type', () => {
    const seen = new Set<string>(['VmAllocated']);
    const walks = fc.property(walkStepsArb, (walk) => {
      const { step, reports } = twins(vmDecider, vmChart);
      let now = 1_000_000;
      let vm = step(vmDecider.initialState, { type: 'Allocate', vid: 3, uid: 0, name: 'a', template: {}, requirement: REQ, now });
      for (const [noise, choice, gap] of walk) {
        now += gap;
        const pool = walkPool(vm, now, noise);
        if (pool.length === 0) break;
        const command = { ...pool[choice % pool.length]!, now } as VmCommand;
        const d = vmDecider.decide(vm, command);
        if (d.ok) for (const e of d.events) seen.add(e.type);
        vm = step(vm, command);
      }
      assert.deepEqual(reports, []);
    });
    const missing = () => vmEventTypes.filter((t) => !seen.has(t));
    // Some events need long walks: walk more, a batch at a time, until every type was checked (or give up).
    for (let batch = 0; batch < 6 && (batch === 0 || missing().length > 0); batch++) fc.assert(walks, { numRuns: 400 });
    assert.deepEqual(missing(), [], 'event types the walks never reached');
  });

  it('on random host walks', () => {
    const share = { maxCpu: 200, freeCpu: 150, usedMem: 1024 };
    const commands: ((now: number) => HostCommand)[] = [
      (now) => ({ type: 'Allocate', hid: 1, name: 'node1', imMad: 'im_kvm', vmMad: 'vmm_kvm', tmMad: 'tm_ssh', now }),
      (now) => ({ type: 'Enable', enable: true, now }),
      (now) => ({ type: 'Enable', enable: false, now }),
      (now) => ({ type: 'MonitoringStarted', now }),
      (now) => ({ type: 'MonitoringStarted', driverFound: false, now }),
      (now) => ({ type: 'MonitorReplied', success: true, share, now }),
      (now) => ({ type: 'MonitorReplied', success: false, message: 'ssh: refused', now }),
      (now) => ({ type: 'Tick', now }),
      (now) => ({ type: 'Delete', now }),
    ];
    const seen = new Set<string>(['HostAllocated']);
    const steps = fc.array(fc.tuple(fc.nat({ max: commands.length - 1 }), fc.constantFrom(0, 30, 700)), { maxLength: 60 });
    fc.assert(fc.property(steps, (walk) => {
      const { step, reports } = twins(hostDecider, hostChart);
      let now = 1_700_000_000;
      let host = step(hostDecider.initialState, commands[0]!(now));
      for (const [pick, gap] of walk) {
        now += gap;
        const d = hostDecider.decide(host, commands[pick]!(now));
        if (d.ok) for (const e of d.events) seen.add(e.type);
        host = step(host, commands[pick]!(now));
      }
      assert.deepEqual(reports, []);
    }), { numRuns: 400 });
    assert.equal(seen.size, 9, `host event types reached: ${[...seen].join(', ')}`);
  });

  it('and it does refuse a decider that leaves the chart, with 0x2000', () => {
    const reports: ChartDisagreement[] = [];
    const broken = { ...vmDecider, decide: (vm: VmState, c: VmCommand) => (c.type === 'Act' && c.action === 'hold'
      ? { ok: true as const, events: [{ type: 'VmHeld' as const, now: c.now }] } : vmDecider.decide(vm, c)) };
    const guarded = chartGuarded(broken, vmChart, (d) => reports.push(d));
    const d = guarded.decide(reach.RUNNING().state, { type: 'Act', action: 'hold', now: 9 });
    assert.equal(d.ok, false);
    assert.equal(!d.ok && d.error.code, ErrorCode.INTERNAL);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.chart, 'ACTIVE.RUNNING');
  });
});
