/** The typical 1.4 flows of spec §2.6, end to end through decide + evolve + effects. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryReason as R, LcmState as L, VmState as S } from '../../../../src/machines/state-codes.ts';
import { vmDecider } from '../../../../src/machines/vm/vm-decider.ts';
import { H1, H2, REQ, reach, requests, VmScript } from './vm-fixtures.ts';

const held = (...hids: number[]) => hids.map((hid) => ({ hid, ...REQ }));

describe('VM typical flows (spec §2.6)', () => {
  it('create + run: PENDING → PROLOG → BOOT → RUNNING', () => {
    const vm = new VmScript().allocate();
    assert.equal(vm.state.id, 7);
    assert.equal(vm.state.state, S.PENDING);
    assert.equal(vm.state.lcm, L.LCM_INIT);
    assert.equal(vm.state.stime, 1010);
    assert.deepEqual(vm.last.effects, [{ kind: 'state_changed', vid: 7, state: S.PENDING, lcm: L.LCM_INIT }]);

    vm.deploy();
    assert.deepEqual([vm.state.state, vm.state.lcm], [S.ACTIVE, L.PROLOG]);
    assert.deepEqual(vm.state.history, [{
      seq: 0, ...H1, stime: 1020, etime: 0, pstime: 1020, petime: 0, rstime: 0, retime: 0, estime: 0, eetime: 0, reason: R.NONE,
    }]);
    assert.deepEqual(vm.state.heldCapacity, held(1));
    assert.deepEqual(vm.last.effects[0], { kind: 'tm', action: 'PROLOG', vid: 7, seq: 0, hostname: 'node1', vmDir: '/var/one', tmMad: 'tm_ssh' });
    assert.deepEqual(vm.last.effects[1], { kind: 'state_changed', vid: 7, state: S.ACTIVE, lcm: L.PROLOG });

    vm.tm();
    assert.equal(vm.state.lcm, L.BOOT);
    assert.equal(vm.state.history[0].petime, 1030);
    assert.equal(vm.state.history[0].rstime, 1030);
    assert.deepEqual(requests(vm.last.effects), ['VMM DEPLOY node1']);

    vm.vmm('DEPLOY', true, 'one-7 extra words');
    assert.equal(vm.state.lcm, L.RUNNING);
    assert.equal(vm.state.deployId, 'one-7');
    assert.deepEqual(requests(vm.last.effects), []);
    assert.deepEqual(vm.log.map((e) => e.type), ['VmAllocated', 'VmDeployed', 'VmPrologSucceeded', 'VmBooted']);
  });

  it('shutdown: RUNNING → SHUTDOWN → EPILOG → DONE, capacity released', () => {
    const vm = reach.RUNNING().act('shutdown');
    assert.equal(vm.state.lcm, L.SHUTDOWN);
    assert.deepEqual(requests(vm.last.effects), ['VMM SHUTDOWN node1']);
    vm.vmm('SHUTDOWN');
    assert.equal(vm.state.lcm, L.EPILOG);
    assert.equal(vm.state.history[0].estime, 1060);
    assert.equal(vm.state.history[0].retime, 1060);
    assert.deepEqual(requests(vm.last.effects), ['TM EPILOG node1']);
    assert.deepEqual(vm.state.heldCapacity, held(1));
    vm.tm();
    assert.deepEqual([vm.state.state, vm.state.lcm], [S.DONE, L.LCM_INIT]);
    const h = vm.state.history[0];
    assert.deepEqual([h.eetime, h.etime, h.reason], [1070, 1070, R.NONE]);
    assert.equal(vm.state.etime, 1070);
    assert.deepEqual(vm.state.heldCapacity, []);
    assert.deepEqual(vm.last.events.map((e) => e.type), ['VmEpilogSucceeded', 'VmDone']);
  });

  it('stop/resume: SAVE_STOP → EPILOG_STOP → STOPPED → PENDING → PROLOG_RESUME → BOOT → RUNNING', () => {
    const vm = reach.RUNNING().act('stop');
    assert.equal(vm.state.lcm, L.SAVE_STOP);
    assert.deepEqual(requests(vm.last.effects), ['VMM SAVE node1']);
    vm.vmm('SAVE');
    assert.equal(vm.state.lcm, L.EPILOG_STOP);
    assert.deepEqual(requests(vm.last.effects), ['TM EPILOG_STOP node1']);
    let h = vm.state.history[0];
    assert.deepEqual([h.estime, h.retime, h.reason, h.etime], [1060, 1060, R.STOP_RESUME, 0]);
    vm.tm();
    assert.deepEqual([vm.state.state, vm.state.lcm], [S.STOPPED, L.LCM_INIT]);
    h = vm.state.history[0];
    assert.deepEqual([h.eetime, h.etime], [1070, 1070]);
    assert.deepEqual(vm.state.heldCapacity, []);
    vm.act('resume');
    assert.deepEqual([vm.state.state, vm.state.lcm], [S.PENDING, L.LCM_INIT]);
    assert.deepEqual(requests(vm.last.effects), []);
    vm.deploy(H2);
    assert.deepEqual([vm.state.state, vm.state.lcm], [S.ACTIVE, L.PROLOG_RESUME]);
    assert.equal(vm.state.history.length, 2);
    assert.deepEqual([vm.state.history[1].seq, vm.state.history[1].hostname, vm.state.history[1].pstime], [1, 'node2', 1090]);
    assert.deepEqual(requests(vm.last.effects), ['TM PROLOG_RESUME node2']);
    assert.deepEqual(vm.state.heldCapacity, held(2));
    vm.tm();
    assert.equal(vm.state.lcm, L.BOOT);
    assert.deepEqual(requests(vm.last.effects), ['VMM RESTORE node2']);
    vm.vmm('RESTORE');
    assert.equal(vm.state.lcm, L.RUNNING);
  });

  it('suspend/resume: SAVE_SUSPEND → SUSPENDED → BOOT on the same host (new record) → RUNNING', () => {
    const vm = reach.RUNNING().act('suspend');
    assert.equal(vm.state.lcm, L.SAVE_SUSPEND);
    assert.deepEqual(requests(vm.last.effects), ['VMM SAVE node1']);
    vm.vmm('SAVE');
    assert.deepEqual([vm.state.state, vm.state.lcm], [S.SUSPENDED, L.LCM_INIT]);
    const h0 = vm.state.history[0];
    assert.deepEqual([h0.retime, h0.etime, h0.reason], [1060, 1060, R.STOP_RESUME]);
    assert.deepEqual(vm.state.heldCapacity, []);
    vm.act('resume');
    assert.deepEqual([vm.state.state, vm.state.lcm], [S.ACTIVE, L.BOOT]);
    assert.deepEqual(vm.state.history[1], {
      seq: 1, ...H1, stime: 1070, etime: 0, pstime: 0, petime: 0, rstime: 1070, retime: 0, estime: 0, eetime: 0, reason: R.NONE,
    });
    assert.deepEqual(vm.state.heldCapacity, held(1));
    assert.deepEqual(requests(vm.last.effects), ['VMM RESTORE node1']);
    vm.vmm('RESTORE');
    assert.equal(vm.state.lcm, L.RUNNING);
    assert.equal(vm.state.deployId, 'one-7', 'RESTORE keeps the deploy id');
  });

  it('cold migrate: SAVE_MIGRATE → PROLOG_MIGRATE → BOOT → RUNNING, counted on both hosts meanwhile', () => {
    const vm = reach.RUNNING().migrate(H2, false);
    assert.equal(vm.state.lcm, L.SAVE_MIGRATE);
    assert.deepEqual(vm.state.heldCapacity, held(1, 2));
    assert.deepEqual([vm.state.history[1].seq, vm.state.history[1].stime, vm.state.history[1].pstime], [1, 1050, 0]);
    assert.deepEqual(requests(vm.last.effects), ['VMM SAVE node2 <node1']);
    vm.vmm('SAVE');
    assert.equal(vm.state.lcm, L.PROLOG_MIGRATE);
    const [h0, h1] = vm.state.history;
    assert.deepEqual([h0.etime, h0.retime, h0.reason], [1060, 1060, R.USER]);
    assert.equal(h1.pstime, 1060);
    assert.deepEqual(vm.state.heldCapacity, held(2));
    assert.deepEqual(requests(vm.last.effects), ['TM PROLOG_MIGR node2 <node1']);
    vm.tm();
    assert.equal(vm.state.lcm, L.BOOT);
    assert.deepEqual([vm.state.history[1].petime, vm.state.history[1].rstime], [1070, 1070]);
    assert.deepEqual(requests(vm.last.effects), ['VMM RESTORE node2']);
    vm.vmm('RESTORE');
    assert.equal(vm.state.lcm, L.RUNNING);
  });

  it('live migrate: MIGRATE → RUNNING on the target', () => {
    const vm = reach.RUNNING().migrate(H2, true);
    assert.equal(vm.state.lcm, L.MIGRATE);
    assert.deepEqual(vm.state.heldCapacity, held(1, 2));
    assert.deepEqual(requests(vm.last.effects), ['VMM MIGRATE node2 <node1']);
    vm.vmm('MIGRATE');
    assert.equal(vm.state.lcm, L.RUNNING);
    const [h0, h1] = vm.state.history;
    assert.deepEqual([h0.etime, h0.retime, h0.reason], [1060, 1060, R.USER]);
    assert.deepEqual([h1.stime, h1.rstime, h1.etime], [1050, 1060, 0]);
    assert.deepEqual(vm.state.heldCapacity, held(2));
  });

  it('lost domain: POLL d → UNKNOWN → restart → BOOT (DEPLOY again, no new record) → RUNNING', () => {
    const vm = reach.RUNNING().poll('d');
    assert.equal(vm.state.lcm, L.UNKNOWN);
    assert.deepEqual(requests(vm.last.effects), []);
    vm.act('restart');
    assert.equal(vm.state.lcm, L.BOOT);
    assert.equal(vm.state.history.length, 1);
    assert.deepEqual(requests(vm.last.effects), ['VMM DEPLOY node1']);
    vm.vmm('DEPLOY', true, 'one-7b');
    assert.equal(vm.state.lcm, L.RUNNING);
    assert.equal(vm.state.deployId, 'one-7b');
    assert.deepEqual(vm.state.heldCapacity, held(1));
  });

  it('hold/release: PENDING ⇄ HOLD without history or capacity', () => {
    const vm = reach.PENDING().act('hold');
    assert.equal(vm.state.state, S.HOLD);
    vm.act('release');
    assert.equal(vm.state.state, S.PENDING);
    assert.deepEqual([vm.state.history, vm.state.heldCapacity], [[], []]);
  });

  it('an event type this build does not know leaves the state as it was', () => {
    const vm = reach.RUNNING();
    const unknown = { type: 'VmHotplugged', now: 1 } as unknown as Parameters<typeof vmDecider.evolve>[1];
    assert.equal(vmDecider.evolve(vm.state, unknown), vm.state);
  });
});
