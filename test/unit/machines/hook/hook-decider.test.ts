import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HookEvent } from '../../../../src/events/hook-events.ts';
import { hookDecider, interruptedRuns, type HookCommand, type HookState } from '../../../../src/machines/hook/hook-decider.ts';

function run(commands: HookCommand[]): { state: HookState; events: HookEvent[] } {
  let state = hookDecider.initialState;
  const events: HookEvent[] = [];
  for (const c of commands) {
    const d = hookDecider.decide(state, c);
    assert.ok(d.ok, `command ${c.type} rejected`);
    for (const e of d.events) {
      state = hookDecider.evolve(state, e);
      events.push(e);
    }
  }
  return { state, events };
}

const hook = { name: 'log', on: 'RUNNING' as const, command: '/bin/true', arguments: '' };

describe('hook runs', () => {
  it('numbers queued runs and asks for each to run after commit', () => {
    const before = hookDecider.initialState;
    const d = hookDecider.decide(before, { type: 'Queue', vid: 4, runs: [hook, { ...hook, name: 'two' }] });
    assert.ok(d.ok);
    const after = hookDecider.evolve(before, d.events[0]!);
    assert.deepEqual(after.queued.map((r) => r.run), [0, 1]);
    assert.deepEqual(hookDecider.effects(before, d.events[0]!, after).map((e) => [e.vid, e.hook.name]), [[4, 'log'], [4, 'two']]);
  });

  it('runs a queued hook at most once: start, finish, then late answers are ignored', () => {
    const { state, events } = run([
      { type: 'Queue', vid: 1, runs: [hook] },
      { type: 'Start', run: 0 },
      { type: 'Finish', run: 0, success: true, info: '0' },
      { type: 'Finish', run: 0, success: true, info: '0' },
    ]);
    assert.deepEqual(events.map((e) => e.type), ['HookQueued', 'HookStarted', 'HookFinished']);
    assert.equal(state.finished, 1);
    assert.deepEqual(hookDecider.reconcile(state), []);
    assert.equal(hookDecider.decide(state, { type: 'Start', run: 0 }).ok, false);
  });

  it('after a restart re-issues queued runs but only reports started ones as interrupted', () => {
    const { state } = run([
      { type: 'Queue', vid: 2, runs: [hook, { ...hook, name: 'b' }] },
      { type: 'Start', run: 0 },
    ]);
    assert.deepEqual(hookDecider.reconcile(state).map((e) => e.hook.run), [1]);
    assert.deepEqual(interruptedRuns(state), [0]);
    const closed = run([{ type: 'Queue', vid: 2, runs: [hook] }, { type: 'Start', run: 0 }, { type: 'Interrupt', run: 0 }]);
    assert.deepEqual(interruptedRuns(closed.state), []);
    assert.equal(closed.events.at(-1)!.type, 'HookInterrupted');
  });

  it('state survives a JSON round trip (snapshots)', () => {
    const { state } = run([{ type: 'Queue', vid: 3, runs: [hook] }, { type: 'Start', run: 0 }]);
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
  });
});
