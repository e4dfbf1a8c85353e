import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'node:test';

const root = resolve(import.meta.dirname, '../../..');

// A smoke run: the bench still kills and restarts oned and ends with its JSON line. Figures are not checked
// (acknowledged_lost is the e2e crash test's job; the bench exits 1 when it is not 0, which fails this too).
it('bench/crash.ts --small still runs its cycles and ends with its JSON line', { timeout: 240_000 }, async () => {
  const stdout = await new Promise<string>((done, fail) =>
    execFile(process.execPath, ['--import', 'tsx', 'bench/crash.ts', '--small'], { cwd: root, timeout: 230_000 }, (err, out, errOut) =>
      err ? fail(new Error(`${err.message}\n${errOut}`)) : done(out),
    ),
  );
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(last.bench, 'crash');
  assert.equal(last.workload.cycles, 4);
  assert.deepEqual(Object.keys(last.machine), ['cores', 'node']);
  for (const figure of ['acknowledged_lost', 'restart_s_p50', 'restart_s_max', 'events_replayed', 'ids_reused', 'acknowledged_writes']) {
    assert.equal(typeof last.figures[figure], 'number', `${figure} missing`);
  }
});
