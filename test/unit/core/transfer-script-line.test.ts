import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatTransferLine, parseTransferScript, TRANSFER_COMMANDS, type TransferCommand } from '../../../src/core/transfer-script-line.ts';

const parse = (text: string) => parseTransferScript(text);

// fast-check prints the seed and path of a failure; rerun with fc.assert(…, { seed, path }).
describe('transfer-script lines', () => {
  it('writes plain arguments as 1.4 did, and quotes the rest', () => {
    const text = (command: TransferCommand, ...args: string[]) => {
      const f = formatTransferLine({ command, args });
      assert.ok(f.ok);
      return f.text;
    };
    assert.equal(text('CLONE', 'front:/img/a.img', 'node1:/srv/7/images/disk.0', '10'), 'CLONE front:/img/a.img node1:/srv/7/images/disk.0 10');
    assert.equal(text('LN', 'front:/img/a b;c.img', 'node1:/d'), `LN 'front:/img/a b;c.img' node1:/d`);
    assert.equal(text('DELETE', `it's $(x)`), `DELETE 'it'\\''s $(x)'`);
  });

  it('refuses control characters and wrong argument counts when writing', () => {
    assert.deepEqual(formatTransferLine({ command: 'CLONE', args: ['/a\nDELETE node1:/etc', '/b'] }), { ok: false, message: 'CLONE argument 1 contains a control character' });
    assert.deepEqual(formatTransferLine({ command: 'DELETE', args: ['a', 'b'] }), { ok: false, message: 'DELETE takes 1 arguments, got 2' });
    assert.deepEqual(formatTransferLine({ command: 'CONTEXT', args: ['a'] }), { ok: false, message: 'CONTEXT takes at least 2 arguments, got 1' });
  });

  it('reads scripts as TMScript did: blank and # lines skipped, command upper-cased', () => {
    assert.deepEqual(parse('# prolog\n\nclone a b\n  MV  x\ty  \n'), { ok: true, lines: [{ command: 'CLONE', args: ['a', 'b'] }, { command: 'MV', args: ['x', 'y'] }] });
  });

  it('fails the whole script on anything it cannot read exactly', () => {
    assert.deepEqual(parse('CLONE a b\nRM -rf /\n'), { ok: false, message: 'line 2: RM not found' });
    assert.deepEqual(parse('DELETE node1:/etc node1:/srv\n'), { ok: false, message: 'line 1: DELETE takes 1 arguments, got 2' });
    assert.deepEqual(parse(`CLONE 'a b\n`), { ok: false, message: 'line 1: unterminated single quote' });
    assert.deepEqual(parse('CLONE a\rb c\n'), { ok: false, message: 'line 1: control character' });
    assert.deepEqual(parse('CLONE a\0 b\n'), { ok: false, message: 'line 1: control character' });
  });

  it('reads back every line it writes, argument for argument', () => {
    const commands = Object.keys(TRANSFER_COMMANDS) as TransferCommand[];
    const line = fc.constantFrom(...commands).chain((command) => {
      const [min, max] = TRANSFER_COMMANDS[command];
      return fc.array(fc.string({ unit: 'grapheme', maxLength: 16 }), { minLength: min, maxLength: Math.min(max, 6) }).map((args) => ({ command, args }));
    });
    fc.assert(fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
      const written = lines.map(formatTransferLine);
      const ok = written.every((w) => w.ok);
      assert.equal(ok, lines.every((l) => l.args.every((a) => !/[\x00-\x1f\x7f]/.test(a))));
      if (!ok) return;
      const text = written.map((w) => (w.ok ? w.text : '')).join('\n') + '\n';
      assert.deepEqual(parse(text), { ok: true, lines });
    }), { numRuns: 500 });
  });

  it('reads a line as sh would split it into words', () => {
    const arg = fc.string({ maxLength: 10 }).filter((s) => !/[\x00-\x1f\x7f]/.test(s));
    fc.assert(fc.property(fc.array(arg, { minLength: 1, maxLength: 4 }), (args) => {
      const f = formatTransferLine({ command: 'CONTEXT', args: ['x', ...args] });
      assert.ok(f.ok);
      const viaSh = execFileSync('/bin/sh', ['-c', `for a in ${f.text}; do printf '%s\\0' "$a"; done`]).toString().split('\0').slice(0, -1);
      assert.deepEqual(viaSh, ['CONTEXT', 'x', ...args]);
    }), { numRuns: 40 });
  });
});
