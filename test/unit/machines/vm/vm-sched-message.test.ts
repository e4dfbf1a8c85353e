/**
 * SCHED_MESSAGE in the VM decider: set only in PENDING, appended only when
 * it changes, cleared by the event that takes the VM out of PENDING, and
 * part of the state that replay and snapshots rebuild.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../../src/events/domain-error.ts';
import { vmDecider } from '../../../../src/machines/vm/vm-decider.ts';
import type { VmState } from '../../../../src/machines/vm/vm-types.ts';
import { checkAgainstChart, vmChart } from '../../../../src/machines/chart-check.ts';
import { reach } from './vm-fixtures.ts';

const REASON = '0/2 hosts: 1 failed REQUIREMENTS, 1 lacked MEMORY';
const set = (vm: VmState, message: string, now = 5000) => vmDecider.decide(vm, { type: 'SetSchedMessage', message, now });

describe('SCHED_MESSAGE', () => {
  it('is recorded on a PENDING VM, once per change, and cleared by an empty text', () => {
    const script = reach.PENDING().schedMessage(REASON);
    assert.deepEqual(script.last.events, [{ type: 'VmSchedMessageSet', now: script.now, message: REASON }]);
    assert.equal(script.state.schedMessage, REASON);
    assert.deepEqual(script.last.effects, [], 'no driver request and no state change');

    const again = set(script.state, REASON);
    assert.deepEqual(again, { ok: true, events: [] }, 'the same text again appends nothing');

    script.schedMessage('');
    assert.equal('schedMessage' in script.state, false, 'an empty text drops the key');
    assert.deepEqual(set(script.state, ''), { ok: true, events: [] }, 'clearing twice appends nothing');
  });

  it('is refused outside PENDING with 0x800 and a message that names the state', () => {
    for (const where of ['HOLD', 'RUNNING', 'DONE', 'FAILED'] as const) {
      const d = set(reach[where]().state, REASON);
      assert.equal(d.ok, false, where);
      assert.equal(!d.ok && d.error.code, ErrorCode.ACTION);
      const dm = where === 'RUNNING' ? 'ACTIVE' : where;
      assert.match(!d.ok ? d.error.message : '', new RegExp(`it is ${dm}, not PENDING`));
    }
  });

  it('goes with the event that takes the VM out of PENDING (deploy, hold, finalize)', () => {
    const deployed = reach.PENDING().schedMessage(REASON).deploy();
    assert.deepEqual(deployed.last.events.map((e) => e.type), ['VmDeployed']);
    assert.equal(deployed.state.schedMessage, undefined);
    assert.equal(reach.PENDING().schedMessage(REASON).act('hold').state.schedMessage, undefined);
    assert.equal(reach.PENDING().schedMessage(REASON).act('finalize').state.schedMessage, undefined);
    // Back in PENDING (stop, resume): no stale reason.
    const back = reach.STOPPED().act('resume');
    assert.equal(back.state.schedMessage, undefined);
    assert.equal(back.schedMessage('no host').state.schedMessage, 'no host');
  });

  it('is rebuilt by replay and by a JSON snapshot plus the rest, and the chart allows it', () => {
    const script = reach.PENDING().schedMessage('a').schedMessage('b');
    const replay = script.log.reduce(vmDecider.evolve, vmDecider.initialState);
    assert.deepEqual(replay, script.state);
    const snap = JSON.parse(JSON.stringify(script.log.slice(0, 2).reduce(vmDecider.evolve, vmDecider.initialState))) as VmState;
    assert.deepEqual(script.log.slice(2).reduce(vmDecider.evolve, snap), script.state);
    const pending = reach.PENDING().state;
    assert.equal(checkAgainstChart(vmChart, vmDecider.evolve, pending, [{ type: 'VmSchedMessageSet', now: 1, message: 'x' }]), undefined);
    // A snapshot written before SCHED_MESSAGE existed has no such key, and equals a fresh fold.
    assert.equal('schedMessage' in pending, false);
  });
});
