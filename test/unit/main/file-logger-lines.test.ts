/**
 * What reaches a log file is one line of plain text, whatever the message holds: a driver
 * that prints garbage (NUL, escape sequences, a bare CR) must not forge or hide log lines.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileLogger } from '../../../src/main/file-logger.ts';

const root = mkdtempSync(join(tmpdir(), 'one-ts-logger-lines-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('FileLogger lines', () => {
  it('writes control characters as \\xNN, a newline as a blank, and keeps tabs and other text', async () => {
    const file = join(root, 'oned.log');
    const logger = new FileLogger(file, 3, root);
    logger.log('MAD', 'W', 'nul\x00 esc\x1b[2J cr\rfake [ONE][I]: line\nnext\ttab del\x7f csi\x9b é $(x)');
    logger.vmLog(3, 'VMM', 'I', 'bell\x07');
    logger.flush();
    const text = readFileSync(file, 'utf8');
    assert.equal(text.split('\n').length, 2, 'one line and its newline');
    assert.match(text, /\[MAD\]\[W\]: nul\\x00 esc\\x1b\[2J cr\\x0dfake \[ONE\]\[I\]: line next\ttab del\\x7f csi\\x9b é \$\(x\)\n$/);
    assert.match(readFileSync(join(root, '3', 'vm.log'), 'utf8'), /\[VMM\]\[I\]: bell\\x07\n$/);
  });
});
