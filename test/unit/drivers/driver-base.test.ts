import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { abortableSleep } from '../../../src/drivers/abortable-sleep.ts';
import { DriverBase, type ActionSpec } from '../../../src/drivers/driver-base.ts';

function harness(actions: Record<string, ActionSpec>, concurrency = 15) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.setEncoding('utf8').on('data', (d: string) => (text += d));
  const done = new DriverBase({ actions, concurrency, input, output }).run();
  const lines = () => text.split('\n').filter((l) => l !== '');
  const waitFor = async (pred: (ls: string[]) => boolean) => {
    for (let i = 0; i < 200 && !pred(lines()); i++) await new Promise((r) => setTimeout(r, 5));
    return lines();
  };
  return { input, lines, waitFor, done };
}

const echo: ActionSpec = { arity: [1, 1], run: async (id, [a]) => ({ result: 'SUCCESS', info: `got ${a} for ${id}` }) };

describe('DriverBase', () => {
  it('answers INIT, runs actions, checks arity and ids, and exits on FINALIZE', async () => {
    const h = harness({ ECHO: echo, BOOM: { arity: [0, 0], run: async () => { throw new Error('kaput'); } } });
    h.input.write('INIT\nECHO 1 a\nECHO 2\nECHO x a\nNOPE 3\nBOOM 4\n');
    const lines = await h.waitFor((ls) => ls.length >= 6);
    assert.equal(lines[0], 'INIT SUCCESS - -');
    assert.ok(lines.includes('ECHO SUCCESS 1 got a for 1'));
    assert.ok(lines.includes('ECHO FAILURE 2 ECHO expects 1 arguments after the id, got 0'));
    assert.ok(lines.some((l) => l.startsWith('LOG - - Ignoring ECHO')));
    assert.ok(lines.includes('NOPE FAILURE 3 Unknown action NOPE'));
    assert.ok(lines.includes('BOOM FAILURE 4 kaput'));
    h.input.write('FINALIZE\n');
    await h.done;
  });

  it('runs up to the concurrency limit at once', async () => {
    let running = 0;
    let peak = 0;
    const slow: ActionSpec = { arity: [0, 0], run: async () => { running++; peak = Math.max(peak, running); await abortableSleep(30); running--; return { result: 'SUCCESS' }; } };
    const h = harness({ SLOW: slow }, 3);
    h.input.write(Array.from({ length: 9 }, (_, i) => `SLOW ${i}\n`).join(''));
    await h.waitFor((ls) => ls.length >= 9);
    assert.equal(peak, 3);
    h.input.end();
    await h.done;
  });

  it('DRIVER_CANCEL stops the action without a reply and logs it', async () => {
    const hang: ActionSpec = { arity: [0, 0], run: async (_id, _a, ctx) => { await abortableSleep(60_000, ctx.signal); return { result: 'SUCCESS' }; } };
    const h = harness({ HANG: hang });
    h.input.write('HANG 5\nDRIVER_CANCEL 5\nFINALIZE\n');
    await h.done;
    assert.deepEqual(h.lines(), ['LOG - 5 Driver command for 5 cancelled']);
  });

  it('logs bad input instead of dying', async () => {
    const h = harness({ ECHO: echo });
    h.input.write('lower case\n\nECHO 1 a\n');
    const lines = await h.waitFor((ls) => ls.some((l) => l.startsWith('ECHO')));
    assert.equal(lines.filter((l) => l.startsWith('LOG - - Ignoring bad input')).length, 2);
    h.input.end();
    await h.done;
  });
});
