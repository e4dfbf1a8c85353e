import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'node:test';

const root = resolve(import.meta.dirname, '../../..');

/** Smoke test only: the figures depend on the machine, so only the report's shape is checked. */
it('bench/cold-restart.ts --small writes the state, kills and restarts oned, and ends with its JSON line', async () => {
  const stdout = await new Promise<string>((done, fail) =>
    execFile(process.execPath, ['--import', 'tsx', 'bench/cold-restart.ts', '--small'], { cwd: root, timeout: 120_000 }, (err, out, errOut) =>
      err ? fail(new Error(`${err.message}\n${errOut}`)) : done(out),
    ),
  );
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(last.bench, 'cold-restart');
  assert.deepEqual([last.workload.hosts, last.workload.vms, last.workload.log_events], [100, 1000, 4300]);
  for (const figure of ['cold_restart_s', 'cold_restart_s_max', 'restart_listening_s', 'restart_first_answer_s']) {
    assert.ok(typeof last.figures[figure] === 'number' && last.figures[figure] > 0, `${figure}: ${last.figures[figure]}`);
  }
  assert.ok(last.figures.restart_listening_s <= last.figures.cold_restart_s);
});
