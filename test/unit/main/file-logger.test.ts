/**
 * The file logger must never take oned down. A write error is made real by
 * putting a directory where oned.log should be (EISDIR; ENOSPC on a full
 * tmpfs is covered by test/e2e/full-disk.test.ts): lines wait in memory,
 * the logger retries, and once the file can be written one line says what
 * happened.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileLogger } from '../../../src/main/file-logger.ts';

const root = mkdtempSync(join(tmpdir(), 'one-ts-logger-'));
after(() => rmSync(root, { recursive: true, force: true }));

const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FileLogger when the file cannot be written', () => {
  it('keeps the lines, retries, and reports the outage once when it can write again', async () => {
    const dir = join(root, 'a');
    const file = join(dir, 'oned.log');
    const logger = new FileLogger(file, 3, dir, { retryMs: 50 });
    logger.log('ONE', 'I', 'before');
    await tick();
    rmSync(file);
    mkdirSync(file); // oned.log is now a directory: every append fails
    logger.log('ReM', 'I', 'during 1');
    logger.vmLog(7, 'LCM', 'I', 'vm line');
    logger.flush(); // must not throw
    logger.log('ReM', 'I', 'during 2');
    await sleep(150);
    assert.ok(existsSync(join(dir, '7', 'vm.log')), 'other files are still written');

    rmSync(file, { recursive: true });
    await sleep(200);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.match(lines[0]!, /\[ONE\]\[W\]: Log files could not be written from .+ \(EISDIR[^)]*\)$/);
    assert.match(lines[1]!, /\[ReM\]\[I\]: during 1$/);
    assert.match(lines[2]!, /\[ReM\]\[I\]: during 2$/);

    logger.log('ONE', 'I', 'after');
    await tick();
    const last = readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(last.length, 4, 'the outage is reported once');
    assert.match(last[3]!, /after$/);
  });

  it('drops lines past its limit and says how many', async () => {
    const dir = join(root, 'b');
    const file = join(dir, 'oned.log');
    mkdirSync(file, { recursive: true });
    const logger = new FileLogger(file, 3, dir, { retryMs: 50, maxPendingLines: 5 });
    for (let i = 0; i < 12; i++) logger.log('ONE', 'I', `line ${i}`);
    logger.flush();
    for (let i = 12; i < 20; i++) logger.log('ONE', 'I', `line ${i}`);
    rmSync(file, { recursive: true });
    await sleep(200);
    const text = readFileSync(file, 'utf8');
    // The first flush held 12 lines (the limit only applies once a write has failed); 8 more were dropped.
    assert.match(text, /; 8 log lines were dropped\n/);
    assert.match(text, /line 11\n$/);
    assert.doesNotMatch(text, /line 12/);
  });
});
