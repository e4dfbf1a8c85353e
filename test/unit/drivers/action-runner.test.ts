import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActionRunner } from '../../../src/drivers/action-runner.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('ActionRunner', () => {
  it('runs at most `limit` actions at once, FIFO beyond', async () => {
    const runner = new ActionRunner(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    gates.forEach((g, id) => runner.submit({ id, run: async () => { started.push(id); await g.promise; } }));
    assert.deepEqual(started, [0, 1]);
    assert.equal(runner.active, 2);
    gates[1].resolve();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, [0, 1, 2]);
    gates[0].resolve();
    gates[2].resolve();
    await runner.drain();
    assert.equal(runner.active, 0);
  });

  it('cancels queued and running actions of one id', async () => {
    const runner = new ActionRunner(1);
    let aborted = false;
    let ranQueued = false;
    runner.submit({ id: 7, run: (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => { aborted = true; resolve(); })) });
    runner.submit({ id: 7, run: async () => { ranQueued = true; } });
    assert.equal(runner.cancel(7), true);
    assert.equal(runner.cancel(8), false);
    await runner.drain();
    assert.equal(aborted, true);
    assert.equal(ranQueued, false);
  });
});
