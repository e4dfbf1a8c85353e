/**
 * Micro-benchmark, printed and not asserted: rebuilding 100,000 VMs from
 * their events with the fold, against interpreting the same events with
 * XState's pure transition(). This measurement is why evolve is a reducer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { transition } from 'xstate';
import type { VmEvent } from '../../../../src/events/vm-events.ts';
import { capacityByHost } from '../../../../src/machines/vm/vm-decider.ts';
import { evolveVm, initialVmState } from '../../../../src/machines/vm/vm-evolve.ts';
import { vmMachine } from '../../../../src/machines/vm/vm-machine.ts';
import type { VmState } from '../../../../src/machines/vm/vm-types.ts';
import { VmState as S } from '../../../../src/machines/state-codes.ts';
import { H1, REQ } from './vm-fixtures.ts';

/** A VM that ran and was shut down (8 events); every 4th one is left RUNNING (4 events). */
function lifeOf(vid: number): VmEvent[] {
  const t = 1_700_000_000 + vid;
  const run: VmEvent[] = [
    { type: 'VmAllocated', now: t, vid, uid: 1, name: `vm${vid}`, template: { CPU: '1' }, requirement: REQ },
    { type: 'VmDeployed', now: t + 1, seq: 0, ...H1, hid: vid % 50, resume: false },
    { type: 'VmPrologSucceeded', now: t + 2 },
    { type: 'VmBooted', now: t + 3, deployId: `one-${vid}` },
  ];
  if (vid % 4 === 0) return run;
  return [...run, { type: 'VmShutdownRequested', now: t + 4 }, { type: 'VmShutdownSucceeded', now: t + 5 },
    { type: 'VmEpilogSucceeded', now: t + 6 }, { type: 'VmDone', now: t + 6 }];
}

describe('evolve throughput (printed, not asserted)', () => {
  it('rebuilds 100,000 VMs', () => {
    const logs = Array.from({ length: 100_000 }, (_, vid) => lifeOf(vid));
    const events = logs.reduce((n, l) => n + l.length, 0);
    const t0 = performance.now();
    const vms: VmState[] = logs.map((log) => log.reduce(evolveVm, initialVmState));
    const foldMs = performance.now() - t0;

    const sample = logs.slice(0, 5_000);
    const sampleEvents = sample.reduce((n, l) => n + l.length, 0);
    const t1 = performance.now();
    for (const log of sample) {
      let snap = vmMachine.resolveState({ value: 'INIT', context: undefined as never });
      for (const e of log) [snap] = transition(vmMachine, snap, e);
    }
    const chartMs = performance.now() - t1;

    console.log(JSON.stringify({
      bench: 'vm-evolve', vms: vms.length, events,
      foldMs: Math.round(foldMs), foldEventsPerSec: Math.round(events / (foldMs / 1000)),
      xstateEventsPerSec: Math.round(sampleEvents / (chartMs / 1000)),
    }));
    assert.equal(vms.filter((v) => v.state === S.DONE).length, 75_000);
    const usage = capacityByHost(vms);
    assert.equal([...usage.values()].reduce((n, u) => n + u.runningVms, 0), 25_000);
    assert.deepEqual(usage.get(0), { cpu: 1000 * REQ.cpu, mem: 1000 * REQ.mem, disk: 0, runningVms: 1000 });
  });
});
