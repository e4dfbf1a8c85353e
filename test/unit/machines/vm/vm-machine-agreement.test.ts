/**
 * The fast fold (evolveVm) must agree with the declared XState chart on every
 * event decide can produce, and must keep the VM invariants. Random command
 * sequences drive both. Also: snapshot JSON round-trip equals the fold.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { transition } from 'xstate';
import type { VmEvent } from '../../../../src/events/vm-events.ts';
import { vmEventTypes } from '../../../../src/events/vm-events.ts';
import { vmDecider } from '../../../../src/machines/vm/vm-decider.ts';
import { vmCodesOf, vmMachine, vmStateValue } from '../../../../src/machines/vm/vm-machine.ts';
import type { VmMachineSnapshot } from '../../../../src/machines/vm/vm-machine.ts';
import type { VmCommand, VmState } from '../../../../src/machines/vm/vm-types.ts';
import { LcmState as L, VmState as S } from '../../../../src/machines/state-codes.ts';
import { REQ, walkPool, walkStepsArb } from './vm-fixtures.ts';


const resolve = (vm: VmState): VmMachineSnapshot =>
  vmMachine.resolveState({ value: vmStateValue(vm.state, vm.lcm), context: undefined as never });

function assertInvariants(vm: VmState): void {
  assert.deepEqual(vm.history.map((h) => h.seq), vm.history.map((_, i) => i), 'history seq runs 0..n-1');
  assert.equal(vm.lcm === L.LCM_INIT, vm.state !== S.ACTIVE, 'LCM_INIT exactly when not ACTIVE');
  const cur = vm.history[vm.history.length - 1];
  const prev = vm.history[vm.history.length - 2];
  const hids = vm.heldCapacity.map((h) => h.hid).sort();
  if (vm.state !== S.ACTIVE) assert.deepEqual(hids, [], 'only ACTIVE VMs hold capacity');
  else if (vm.lcm === L.MIGRATE || vm.lcm === L.SAVE_MIGRATE) assert.deepEqual(hids, [cur.hid, prev.hid].sort(), 'counted on both hosts while migrating');
  else assert.deepEqual(hids, [cur.hid], 'counted on the current host');
  const migrating = vm.lcm === L.MIGRATE || vm.lcm === L.SAVE_MIGRATE;
  const open = vm.state !== S.ACTIVE ? 0 : migrating ? 2 : 1;
  for (const h of vm.history.slice(0, vm.history.length - open)) {
    assert.ok(h.etime > 0, `closed record ${h.seq} has ETIME`);
  }
  if (vm.state === S.DONE || vm.state === S.FAILED) assert.ok(vm.etime > 0);
}

describe('evolveVm agrees with the XState chart', () => {
  it('on random command sequences (decide → evolve vs transition), keeping the invariants', () => {
    const seen = new Set<string>();
    const walks = fc.property(walkStepsArb, (steps) => {
      let now = 1_000_000;
      let vm = vmDecider.evolve(vmDecider.initialState, { type: 'VmAllocated', now, vid: 1, uid: 0, name: 'a', template: {}, requirement: REQ });
      let chart: VmMachineSnapshot = transition(vmMachine, vmMachine.resolveState({ value: 'INIT', context: undefined as never }),
        { type: 'VmAllocated', now, vid: 1, uid: 0, name: 'a', template: {}, requirement: REQ })[0];
      const log: VmEvent[] = [{ type: 'VmAllocated', now, vid: 1, uid: 0, name: 'a', template: {}, requirement: REQ }];
      steps.forEach(([noise, choice, gap]) => {
        now += gap;
        const pool = walkPool(vm, now, noise);
        if (pool.length === 0) return;
        const c = pool[choice % pool.length];
        const d = vmDecider.decide(vm, { ...c, now } as VmCommand);
        if (!d.ok) return;
        for (const e of d.events) {
          const fromCodes = resolve(vm);
          assert.ok(fromCodes.can(e), `chart has no ${e.type} from ${JSON.stringify(fromCodes.value)}`);
          const next = vmDecider.evolve(vm, e);
          const [viaChart] = transition(vmMachine, fromCodes, e);
          assert.deepEqual(vmCodesOf(viaChart.value), { state: next.state, lcm: next.lcm }, `${e.type}`);
          [chart] = transition(vmMachine, chart, e);
          assert.deepEqual(vmCodesOf(chart.value), { state: next.state, lcm: next.lcm });
          vm = next;
          log.push(e);
          seen.add(e.type);
        }
        assertInvariants(vm);
      });
      // Replay equals live, and a snapshot is only a cache of the fold.
      assert.deepEqual(log.reduce(vmDecider.evolve, vmDecider.initialState), vm);
      const half = Math.floor(log.length / 2);
      const snap = JSON.parse(JSON.stringify(log.slice(0, half).reduce(vmDecider.evolve, vmDecider.initialState))) as VmState;
      assert.deepEqual(log.slice(half).reduce(vmDecider.evolve, snap), vm);
      assert.deepEqual(JSON.parse(JSON.stringify(vm)), vm);
    });
    const missing = () => vmEventTypes.filter((t) => t !== 'VmAllocated' && !seen.has(t));
    // Some events need long walks (stop, then resume to PENDING): walk more, a
    // batch at a time, until every event type has been checked (or give up).
    for (let batch = 0; batch < 6 && (batch === 0 || missing().length > 0); batch++) {
      fc.assert(walks, { numRuns: 500, includeErrorInReport: true });
    }
    assert.deepEqual(missing(), [], 'the random walks reach every event type');
  });

  it('the chart rejects events the fold would never see in that state', () => {
    const pending = resolve({ ...vmDecider.initialState, state: S.PENDING });
    assert.equal(pending.can({ type: 'VmBooted', now: 1 }), false);
    assert.equal(pending.can({ type: 'VmHeld', now: 1 }), true);
    const done = resolve({ ...vmDecider.initialState, state: S.DONE });
    assert.equal(done.can({ type: 'VmFinalized', now: 1 }), false);
  });
});
