import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openEventLog } from '../../../src/store/sqlite-event-log.ts';
import { tempDir } from './temp-dir.ts';

const tmp = tempDir('crash');
after(() => tmp.cleanup());
const fixture = fileURLToPath(new URL('./fixtures/append-until-killed.ts', import.meta.url));

/** Starts the appender, SIGKILLs it (by pid) once it has reported `rounds` commits, returns the last reported seq. */
function appendThenKill(path: string, rounds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastSeq = 0;
    let seen = 0;
    let stderr = '';
    let buffered = '';
    const guard = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 30_000);
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        lastSeq = Number(/^committed (\d+)$/.exec(line)?.[1] ?? lastSeq);
        if (++seen === rounds && child.pid) process.kill(child.pid, 'SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      if (signal === 'SIGKILL' && seen >= rounds) resolve(lastSeq);
      else reject(new Error(`appender ended early (${signal}): ${stderr}`));
    });
  });
}

describe('event log after a kill -9', () => {
  it('holds every event whose append had resolved, with an intact chain, and accepts new appends', async () => {
    const path = tmp.path();
    const reported = await appendThenKill(path, 15);
    assert.ok(reported >= 15 * 40);
    const log = openEventLog(path);
    assert.ok(log.lastSeq() >= reported, `lastSeq ${log.lastSeq()} < reported ${reported}`);
    const verdict = await log.verify();
    assert.deepEqual(verdict, { ok: true, events: log.lastSeq() });
    assert.equal(log.lastSeq() % 2, 0, 'each request is all or nothing: no half-written VM');
    const tip = log.lastSeq();
    const [next] = await log.append([{ stream: 'vm/after', expectedVersion: 0, events: [{ type: 'VmAllocated' }] }]);
    assert.equal(next!.seq, tip + 1);
    log.close();
  });
});
