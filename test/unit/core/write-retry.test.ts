/**
 * WriteRetry: commands nobody waits on (driver replies, hook progress) are
 * kept while the log cannot be written and tried again, in order, until it
 * can. The attempts here fail with the store's own LogWriteError.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger, LogLevel } from '../../../src/actors/ports.ts';
import { LogWriteError } from '../../../src/events/log-write-error.ts';
import { unlessLogIsFull, WriteRetry } from '../../../src/core/write-retry.ts';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (_m: string, level: LogLevel, message: string) => lines.push(`${level} ${message}`), vmLog: () => {} };
}

const full = () => new LogWriteError('database or disk is full');

describe('WriteRetry', () => {
  it('retries what the full log refused, in arrival order, and resolves each with its result', async () => {
    const logger = recordingLogger();
    let disk: 'full' | 'free' = 'full';
    const order: string[] = [];
    const attempt = (name: string) => async () => {
      if (disk === 'full') throw full();
      order.push(name);
      return name;
    };
    const retry = new WriteRetry(logger, () => false, 20);
    const a = retry.submit('VM 1: vmm DEPLOY SUCCESS', attempt('a'));
    await new Promise((r) => setTimeout(r, 5));
    // b would succeed now, but must not overtake a.
    disk = 'free';
    const b = retry.submit('VM 1: vmm SHUTDOWN SUCCESS', attempt('b'));
    assert.equal(retry.size, 2);
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    assert.deepEqual(order, ['a', 'b']);
    assert.equal(retry.size, 0);
    assert.match(logger.lines[0]!, /^W VM 1: vmm DEPLOY SUCCESS could not be recorded \(Cannot write the event log: database or disk is full\); it will be retried/);
    assert.match(logger.lines.at(-1)!, /^I 2 deferred driver or hook results recorded$/);
  });

  it('keeps trying while the disk stays full, and gives up only when oned stops', async () => {
    let stopping = false;
    let tries = 0;
    const retry = new WriteRetry(recordingLogger(), () => stopping, 10);
    const r = retry.submit('host 0: MONITOR SUCCESS', async () => {
      tries++;
      throw full();
    });
    await new Promise((res) => setTimeout(res, 80));
    assert.ok(tries >= 3, `tried ${tries} times`);
    stopping = true;
    assert.equal(await r, undefined);
  });

  it('does not retry other errors: they are logged and resolve undefined', async () => {
    const logger = recordingLogger();
    const retry = new WriteRetry(logger, () => false, 10);
    assert.equal(await retry.submit('VM 2: tm TRANSFER SUCCESS', async () => { throw new Error('bug'); }), undefined);
    assert.deepEqual(logger.lines, ['E VM 2: tm TRANSFER SUCCESS failed: bug']);
    assert.equal(retry.size, 0);
  });

  it('unlessLogIsFull drops a refused write silently and logs anything else', async () => {
    const logger = recordingLogger();
    unlessLogIsFull(logger, 'host 1: start of monitoring', Promise.reject(full()));
    unlessLogIsFull(logger, 'host 2: start of monitoring', Promise.reject(new Error('bug')));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(logger.lines, ['E host 2: start of monitoring failed: bug']);
  });
});
