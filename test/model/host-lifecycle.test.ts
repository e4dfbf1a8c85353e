/**
 * Model-based check of the host decider against the independent reference
 * model (spec §5.1, §5.2, §4.6): random sequences of enable/disable, delete,
 * monitoring started (driver found or not), monitoring results (also late
 * ones and ones for DISABLED hosts) and IM timer ticks, with times chosen to
 * land just before, on and after the 600 s MONITORING expiry. Checked after
 * every step: state, LAST_MON_TIME and share equal the model's; rejections
 * append nothing; LAST_MON_TIME never moves backwards; starting monitoring
 * asks for MONITOR. At the end: replay and snapshot round-trip equal live.
 *
 * Failures print fast-check's seed and path; re-run one with
 *   FC_SEED=<seed> FC_PATH=<path> node --import tsx --test test/model/host-lifecycle.test.ts
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hostDecider } from '../../src/machines/host/host-decider.ts';
import type { HostCommand, HostMachineState } from '../../src/machines/host/host-types.ts';
import type { HostEvent } from '../../src/events/host-events.ts';
import { ErrorCode } from '../../src/events/domain-error.ts';
import {
  MONITORING_EXPIRE_SECONDS, absentHost, stepHost, type RefHost, type RefHostInput, type RefShare,
} from './reference/host-reference-model.ts';
import { HOST, hostStateName } from './reference/vm-codes.ts';
import { fcRunParams } from './support/fc-run-params.ts';

const BASE_TIME = 1_700_000_000;
const HID = 4;

type HostMove =
  | { readonly t: 'input'; readonly input: RefHostInput }
  /** A tick placed relative to the expiry instant LAST_MON_TIME + 600 s. */
  | { readonly t: 'tick-near-expiry'; readonly offset: number };

interface HostStep { readonly dt: number; readonly move: HostMove }

const shareArb: fc.Arbitrary<Partial<RefShare>> = fc.record(
  { maxCpu: fc.nat(800), maxMem: fc.nat(8_388_608), freeCpu: fc.nat(800), freeMem: fc.nat(8_388_608), usedCpu: fc.nat(800), usedMem: fc.nat(8_388_608) },
  { requiredKeys: [] },
);

const inputArb: fc.Arbitrary<RefHostInput> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<RefHostInput>({ kind: 'allocate' }) },
  { weight: 3, arbitrary: fc.boolean().map((enabled): RefHostInput => ({ kind: 'enable', enabled })) },
  { weight: 1, arbitrary: fc.constant<RefHostInput>({ kind: 'delete' }) },
  { weight: 5, arbitrary: fc.nat(4).map((n): RefHostInput => ({ kind: 'monitoring-started', driverFound: n > 0 })) },
  { weight: 5, arbitrary: fc.record({ success: fc.nat(3).map((n) => n > 0), share: shareArb }).map((r): RefHostInput => ({ kind: 'monitor-replied', ...r })) },
  { weight: 3, arbitrary: fc.constant<RefHostInput>({ kind: 'tick' }) },
);

const stepArb: fc.Arbitrary<HostStep> = fc.record({
  dt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 500, max: 700 })),
  move: fc.oneof(
    { weight: 5, arbitrary: inputArb.map((input): HostMove => ({ t: 'input', input })) },
    { weight: 1, arbitrary: fc.integer({ min: -1, max: 1 }).map((offset): HostMove => ({ t: 'tick-near-expiry', offset })) },
  ),
});

function toCommand(input: RefHostInput, now: number): HostCommand {
  switch (input.kind) {
    case 'allocate': return { type: 'Allocate', hid: HID, name: 'node4', imMad: 'im_kvm', vmMad: 'vmm_kvm', tmMad: 'tm_ssh', now };
    case 'enable': return { type: 'Enable', enable: input.enabled, now };
    case 'delete': return { type: 'Delete', now };
    case 'monitoring-started': return { type: 'MonitoringStarted', driverFound: input.driverFound, now };
    case 'monitor-replied': return input.success
      ? { type: 'MonitorReplied', success: true, share: input.share, now }
      : { type: 'MonitorReplied', success: false, message: 'ssh: connect to host node4: Connection refused', now };
    case 'tick': return { type: 'Tick', now };
  }
}

const fold = (events: readonly HostEvent[], from: HostMachineState = hostDecider.initialState) =>
  events.reduce((s, e) => hostDecider.evolve(s, e), from);

const machineView = (s: HostMachineState) => ({
  exists: s.id !== -1 && !s.deleted, deleted: s.deleted, state: hostStateName(s.state), lastMonTime: s.lastMonTime, share: { ...s.monitoredShare },
});
const modelView = (m: RefHost) => ({
  exists: m.exists, deleted: m.deleted, state: hostStateName(m.state), lastMonTime: m.lastMonTime, share: m.share,
});

/** Transitions the runs exercised, so that a generator that stops reaching them fails the suite. */
const reached = new Set<string>();

function runScenario(steps: readonly HostStep[], snapshotAt: number): void {
  let now = BASE_TIME;
  let model = absentHost();
  let state = hostDecider.initialState;
  const events: HostEvent[] = [];
  const trace: string[] = [];
  const where = () => `after:\n  ${trace.slice(-12).join('\n  ')}`;
  // Most runs start with the host in place; the generator may still allocate it again.
  const all: HostStep[] = [{ dt: 0, move: { t: 'input', input: { kind: 'allocate' } } }, ...steps];

  all.forEach((step, i) => {
    now += step.dt;
    let input: RefHostInput;
    if (step.move.t === 'tick-near-expiry') {
      now = Math.max(now, model.lastMonTime + MONITORING_EXPIRE_SECONDS + step.move.offset);
      input = { kind: 'tick' };
    } else {
      input = step.move.input;
    }
    const outcome = stepHost(model, input, now);
    const decision = hostDecider.decide(state, toCommand(input, now));
    trace.push(`#${i} t=${now} (last mon ${model.lastMonTime}) ${JSON.stringify(input)} in ${model.exists ? hostStateName(model.state) : 'absent'}: ` +
      `model ${outcome.kind}${outcome.kind === 'changed' ? ` → ${hostStateName(outcome.host.state)}` : ''}, machine ` +
      (decision.ok ? `[${decision.events.map((e) => e.type).join(', ')}]` : `rejected 0x${decision.error.code.toString(16)}`));

    const from = model.exists ? hostStateName(model.state) : model.deleted ? 'deleted' : 'absent';
    reached.add(`${from} ${input.kind}${'success' in input ? (input.success ? '+' : '-') : ''} ${outcome.kind === 'changed' ? hostStateName(outcome.host.state) : outcome.kind}`);
    switch (outcome.kind) {
      case 'wrong-state':
        assert.ok(!decision.ok && decision.error.code === ErrorCode.ACTION, `expected "wrong state", ${where()}`);
        return;
      case 'rejected':
        assert.ok(!decision.ok, `expected a rejection, ${where()}`);
        return;
      case 'ignored':
        assert.ok(!decision.ok || decision.events.length === 0, `expected nothing appended, ${where()}`);
        return;
      case 'changed': {
        assert.ok(decision.ok, `expected acceptance, ${where()}`);
        const effects: { kind: string; action?: string }[] = [];
        let next = state;
        for (const event of decision.events) {
          assert.equal(event.now, now, `event ${event.type} must carry the command time, ${where()}`);
          const after = hostDecider.evolve(next, event);
          effects.push(...hostDecider.effects(next, event, after));
          next = after;
        }
        assert.ok(next.lastMonTime >= state.lastMonTime && next.lastMonTime <= now, `LAST_MON_TIME went from ${state.lastMonTime} to ${next.lastMonTime}, ${where()}`);
        assert.deepEqual(machineView(next), modelView(outcome.host), `host differs from the model, ${where()}`);
        if (input.kind === 'monitoring-started' && outcome.host.state === HOST.MONITORING) {
          assert.ok(effects.some((e) => e.kind === 'im' && e.action === 'MONITOR'), `MONITOR must be sent, ${where()}`);
        }
        // Invariant 4: a host left MONITORING has its MONITOR re-issued after a restart; others have nothing to redo.
        const redo = hostDecider.reconcile(next);
        if (outcome.host.exists && outcome.host.state === HOST.MONITORING) assert.ok(redo.some((e) => e.kind === 'im' && e.action === 'MONITOR'), `reconcile of a MONITORING host, ${where()}`);
        else assert.deepEqual(redo, [], `reconcile of a host that waits on nothing, ${where()}`);
        state = next;
        model = outcome.host;
        events.push(...decision.events);
      }
    }
  });

  const replayed = fold(events);
  assert.deepEqual(replayed, state, 'replaying the host log must give the live state');
  const cut = Math.floor(snapshotAt * (events.length + 1));
  const snapshot = JSON.parse(JSON.stringify(fold(events.slice(0, cut)))) as HostMachineState;
  assert.deepEqual(fold(events.slice(cut), snapshot), replayed, `snapshot at event ${cut} + the rest must equal the fold`);
}

describe('host life-cycle against the reference model (spec §5.1, §5.2)', () => {
  it('random monitoring, enable/disable, timeouts and late results keep machine and model in step', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 40, size: 'max' }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (steps, snapshotAt) => runScenario(steps, snapshotAt),
      ),
      fcRunParams(300),
    );
    if (process.env.FC_PATH === undefined) {
      const wanted = [
        'INIT monitoring-started MONITORING', 'MONITORED monitoring-started MONITORING', 'ERROR monitoring-started MONITORING',
        'INIT monitoring-started ERROR', 'MONITORING monitoring-started ignored', 'DISABLED monitoring-started ignored',
        'MONITORING monitor-replied+ MONITORED', 'MONITORING monitor-replied- ERROR',
        'DISABLED monitor-replied+ DISABLED', 'DISABLED monitor-replied- DISABLED', 'INIT monitor-replied+ MONITORED',
        'MONITORING tick INIT', 'MONITORING tick ignored', 'MONITORED tick ignored',
        'MONITORING enable DISABLED', 'DISABLED enable INIT', 'MONITORING delete MONITORING',
        'deleted enable rejected', 'deleted monitor-replied+ rejected', 'INIT allocate rejected', 'deleted allocate rejected',
      ];
      const missing = wanted.filter((w) => !reached.has(w));
      assert.deepEqual(missing, [], `never reached (has the generator drifted?): ${missing.join('; ')}`);
    }
  });
});
