/** Every row of the driver-callback table (spec §2.4), and every reply the VM is not waiting for. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { vmDecider } from '../../../../src/machines/vm/vm-decider.ts';
import type { VmCommand } from '../../../../src/machines/vm/vm-types.ts';
import { HistoryReason as R, LcmState as L, VmState as S } from '../../../../src/machines/state-codes.ts';
import { REQ, reach, requests } from './vm-fixtures.ts';
import type { Reachable, VmScript } from './vm-fixtures.ts';

const held = (...hids: number[]) => hids.map((hid) => ({ hid, ...REQ }));

/** failure_action: record closed with ERROR at `now`, capacity released, FAILED, TM EPILOG_DELETE. */
function assertFailed(vm: VmScript, host: string) {
  assert.deepEqual([vm.state.state, vm.state.lcm], [S.FAILED, L.LCM_INIT]);
  const cur = vm.state.history[vm.state.history.length - 1];
  assert.deepEqual([cur.etime, cur.reason], [vm.now, R.ERROR]);
  assert.equal(vm.state.etime, vm.now);
  assert.deepEqual(vm.state.heldCapacity, []);
  assert.deepEqual(requests(vm.last.effects), [`TM EPILOG_DELETE ${host}`]);
  assert.deepEqual(vm.last.effects.filter((e) => e.kind === 'state_changed').map((e) => e.kind === 'state_changed' && [e.state, e.lcm]),
    [[S.ACTIVE, L.FAILURE], [S.FAILED, L.LCM_INIT]]);
}

const current = (vm: VmScript) => vm.state.history[vm.state.history.length - 1];

describe('driver callbacks (spec §2.4)', () => {
  it('PROLOG_SUCCESS in PROLOG → BOOT, PETIME = RSTIME = now, VMM DEPLOY', () => {
    const vm = reach.PROLOG().tm();
    assert.equal(vm.state.lcm, L.BOOT);
    assert.deepEqual([current(vm).petime, current(vm).rstime], [vm.now, vm.now]);
    assert.deepEqual(requests(vm.last.effects), ['VMM DEPLOY node1']);
  });
  for (const from of ['PROLOG_MIGRATE', 'PROLOG_RESUME'] as const) {
    it(`PROLOG_SUCCESS in ${from} → BOOT, VMM RESTORE`, () => {
      const vm = reach[from]().tm();
      assert.equal(vm.state.lcm, L.BOOT);
      assert.deepEqual([current(vm).petime, current(vm).rstime], [vm.now, vm.now]);
      assert.deepEqual(requests(vm.last.effects), ['VMM RESTORE node2']);
    });
  }
  for (const from of ['PROLOG', 'PROLOG_MIGRATE', 'PROLOG_RESUME'] as const) {
    it(`PROLOG_FAILURE in ${from} → PETIME = now, failure_action`, () => {
      const vm = reach[from]().tm(false, 'scp failed');
      assert.equal(current(vm).petime, vm.now);
      assertFailed(vm, from === 'PROLOG' ? 'node1' : 'node2');
      assert.deepEqual(vm.last.events.map((e) => e.type), ['VmPrologFailed', 'VmFailed']);
    });
  }
  it('DEPLOY_SUCCESS in BOOT → RUNNING, deploy id = first word', () => {
    const vm = reach.BOOT().vmm('DEPLOY', true, '  dom-42 whatever');
    assert.equal(vm.state.lcm, L.RUNNING);
    assert.equal(vm.state.deployId, 'dom-42');
  });
  it('DEPLOY_SUCCESS in MIGRATE → RUNNING on target, previous record closed USER, source released', () => {
    const vm = reach.MIGRATE().vmm('MIGRATE');
    assert.equal(vm.state.lcm, L.RUNNING);
    const [h0, h1] = vm.state.history;
    assert.deepEqual([h0.etime, h0.retime, h0.reason, h1.rstime], [vm.now, vm.now, R.USER, vm.now]);
    assert.deepEqual(vm.state.heldCapacity, held(2));
  });
  for (const [from, verb] of [['MIGRATE', 'MIGRATE'], ['SAVE_MIGRATE', 'SAVE']] as const) {
    it(`${verb} FAILURE in ${from} → RUNNING on the source in a new record, target released, VMM POLL`, () => {
      const vm = reach[from]().vmm(verb, false, 'no route');
      assert.deepEqual([vm.state.state, vm.state.lcm], [S.ACTIVE, L.RUNNING]);
      const [h0, h1, h2] = vm.state.history;
      assert.deepEqual([h0.etime, h0.retime, h0.reason], [vm.now, vm.now, R.USER]);
      assert.deepEqual([h1.etime, h1.reason, h1.hostname], [vm.now, R.ERROR, 'node2']);
      assert.deepEqual([h2.seq, h2.hostname, h2.hid, h2.stime, h2.rstime, h2.etime], [2, 'node1', 1, vm.now, vm.now, 0]);
      assert.deepEqual(vm.state.heldCapacity, held(1));
      assert.deepEqual(requests(vm.last.effects), ['VMM POLL node1']);
    });
  }
  for (const verb of ['DEPLOY', 'RESTORE'] as const) {
    it(`${verb} FAILURE in BOOT → RETIME = now, failure_action`, () => {
      const vm = reach.BOOT().vmm(verb, false, 'kvm error');
      assert.equal(current(vm).retime, vm.now);
      assertFailed(vm, 'node1');
    });
  }
  it('SHUTDOWN_FAILURE → RUNNING, VMM POLL', () => {
    const vm = reach.SHUTDOWN().vmm('SHUTDOWN', false);
    assert.equal(vm.state.lcm, L.RUNNING);
    assert.deepEqual(requests(vm.last.effects), ['VMM POLL node1']);
  });
  it('CANCEL_SUCCESS → record closed CANCEL (RETIME set), capacity released, DONE, host cleaned (deviations)', () => {
    const vm = reach.CANCEL().vmm('CANCEL');
    assert.deepEqual([vm.state.state, vm.state.lcm], [S.DONE, L.LCM_INIT]);
    const h = current(vm);
    assert.deepEqual([h.etime, h.retime, h.reason], [vm.now, vm.now, R.CANCEL]);
    assert.equal(vm.state.etime, vm.now);
    assert.deepEqual(vm.state.heldCapacity, []);
    assert.deepEqual(requests(vm.last.effects), ['TM EPILOG_DELETE node1']);
  });
  it('CANCEL_FAILURE → RUNNING, VMM POLL', () => {
    const vm = reach.CANCEL().vmm('CANCEL', false);
    assert.equal(vm.state.lcm, L.RUNNING);
    assert.deepEqual(requests(vm.last.effects), ['VMM POLL node1']);
  });
  for (const from of ['SAVE_STOP', 'SAVE_SUSPEND'] as const) {
    it(`SAVE_FAILURE in ${from} → RUNNING, VMM POLL, nothing released`, () => {
      const vm = reach[from]().vmm('SAVE', false);
      assert.equal(vm.state.lcm, L.RUNNING);
      assert.deepEqual(vm.state.heldCapacity, held(1));
      assert.deepEqual(requests(vm.last.effects), ['VMM POLL node1']);
    });
  }
  for (const from of ['EPILOG', 'EPILOG_STOP'] as const) {
    it(`EPILOG_FAILURE in ${from} → EETIME = now, failure_action`, () => {
      const vm = reach[from]().tm(false);
      assert.equal(current(vm).eetime, vm.now);
      assertFailed(vm, 'node1');
    });
  }
  for (const from of ['RUNNING', 'UNKNOWN'] as const) {
    it(`POLL p in ${from} → SUSPENDED, RETIME = ETIME = now, STOP_RESUME, released`, () => {
      const vm = reach[from]().poll('p');
      assert.deepEqual([vm.state.state, vm.state.lcm], [S.SUSPENDED, L.LCM_INIT]);
      const h = current(vm);
      assert.deepEqual([h.retime, h.etime, h.reason], [vm.now, vm.now, R.STOP_RESUME]);
      assert.deepEqual(vm.state.heldCapacity, []);
    });
    it(`POLL e in ${from} → RETIME = now, failure_action`, () => {
      const vm = reach[from]().poll('e');
      assert.equal(current(vm).retime, vm.now);
      assertFailed(vm, 'node1');
    });
  }
  it('POLL d in RUNNING → UNKNOWN; POLL a in UNKNOWN → RUNNING', () => {
    const vm = reach.RUNNING().poll('d');
    assert.equal(vm.state.lcm, L.UNKNOWN);
    assert.deepEqual(vm.state.heldCapacity, held(1), 'a lost VM is still counted on its host');
    vm.poll('a');
    assert.equal(vm.state.lcm, L.RUNNING);
  });
});

type Reply = { label: string; cmd: (now: number) => VmCommand };
const REPLIES: Reply[] = [
  ...(['DEPLOY', 'SHUTDOWN', 'CANCEL', 'SAVE', 'RESTORE', 'MIGRATE'] as const).flatMap((verb) => [true, false].map((success) => ({
    label: `VMM ${verb} ${success ? 'SUCCESS' : 'FAILURE'}`,
    cmd: (now: number): VmCommand => ({ type: 'DriverReplied', now, driver: 'vmm', verb, success, info: 'x' }),
  }))),
  ...[true, false].map((success) => ({
    label: `TM TRANSFER ${success ? 'SUCCESS' : 'FAILURE'}`,
    cmd: (now: number): VmCommand => ({ type: 'DriverReplied', now, driver: 'tm', verb: 'TRANSFER', success, info: 'x' }),
  })),
  { label: 'TM with a VMM verb', cmd: (now) => ({ type: 'DriverReplied', now, driver: 'tm', verb: 'DEPLOY', success: true, info: '' }) },
  { label: 'VMM TRANSFER', cmd: (now) => ({ type: 'DriverReplied', now, driver: 'vmm', verb: 'TRANSFER', success: true, info: '' }) },
  ...(['a', 'p', 'e', 'd', '-'] as const).map((l) => ({ label: `POLL STATE=${l}`, cmd: (now: number): VmCommand => ({ type: 'Polled', now, stateLetter: l }) })),
];

const ALL = ['PROLOG', 'PROLOG_RESUME', 'PROLOG_MIGRATE', 'BOOT', 'RUNNING', 'UNKNOWN', 'MIGRATE', 'SAVE_MIGRATE', 'SAVE_STOP',
  'SAVE_SUSPEND', 'EPILOG_STOP', 'EPILOG', 'SHUTDOWN', 'CANCEL', 'PENDING', 'HOLD', 'STOPPED', 'SUSPENDED', 'DONE', 'FAILED'] as const;
const ANY_VMM_BOOT = ['VMM DEPLOY SUCCESS', 'VMM DEPLOY FAILURE', 'VMM RESTORE SUCCESS', 'VMM RESTORE FAILURE', 'VMM MIGRATE SUCCESS', 'VMM MIGRATE FAILURE'];
const TRANSFER = ['TM TRANSFER SUCCESS', 'TM TRANSFER FAILURE'];
/** The only (state, reply) pairs that act; every other reply is ignored (accepted, no events). */
const ACTS: Partial<Record<Reachable, string[]>> = {
  PROLOG: TRANSFER, PROLOG_RESUME: TRANSFER, PROLOG_MIGRATE: TRANSFER, EPILOG: TRANSFER, EPILOG_STOP: TRANSFER,
  BOOT: ANY_VMM_BOOT, MIGRATE: ANY_VMM_BOOT,
  SHUTDOWN: ['VMM SHUTDOWN SUCCESS', 'VMM SHUTDOWN FAILURE'],
  CANCEL: ['VMM CANCEL SUCCESS', 'VMM CANCEL FAILURE'],
  SAVE_MIGRATE: ['VMM SAVE SUCCESS', 'VMM SAVE FAILURE'],
  SAVE_STOP: ['VMM SAVE SUCCESS', 'VMM SAVE FAILURE'],
  SAVE_SUSPEND: ['VMM SAVE SUCCESS', 'VMM SAVE FAILURE'],
  RUNNING: ['POLL STATE=p', 'POLL STATE=e', 'POLL STATE=d'],
  UNKNOWN: ['POLL STATE=a', 'POLL STATE=p', 'POLL STATE=e'],
};

describe('replies the VM is not waiting for are ignored (spec §2.4, §12.1.2)', () => {
  for (const row of ALL) {
    it(`${row}: only ${(ACTS[row] ?? ['nothing']).join(', ')} act(s)`, () => {
      const vm = reach[row]();
      for (const reply of REPLIES) {
        const d = vmDecider.decide(vm.state, reply.cmd(vm.now + 10));
        assert.ok(d.ok, `${row} ${reply.label} must never be rejected`);
        const acts = (ACTS[row] ?? []).includes(reply.label);
        assert.equal(d.events.length > 0, acts, `${row} ${reply.label}: expected ${acts ? 'events' : 'no events'}`);
      }
    });
  }
  it('late replies after a delete are dropped', () => {
    const vm = reach.SHUTDOWN().act('finalize');
    for (const reply of REPLIES) {
      const d = vmDecider.decide(vm.state, reply.cmd(vm.now + 10));
      assert.deepEqual(d, { ok: true, events: [] }, reply.label);
    }
  });
});
