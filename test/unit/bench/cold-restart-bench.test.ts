import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lastReportOf } from './bench-run.ts';

/** Smoke test only: the figures depend on the machine, so only the report's shape is checked. */
it('bench/cold-restart.ts --small writes the state, kills and restarts oned, and ends with its JSON line', async () => {
  const last = await lastReportOf(['bench/cold-restart.ts', '--small'], 120_000);
  assert.equal(last.bench, 'cold-restart');
  assert.deepEqual([last.workload.hosts, last.workload.vms, last.workload.log_events], [100, 1000, 4300]);
  for (const figure of ['cold_restart_s', 'cold_restart_s_max', 'restart_listening_s', 'restart_first_answer_s']) {
    assert.ok(typeof last.figures[figure] === 'number' && last.figures[figure] > 0, `${figure}: ${last.figures[figure]}`);
  }
  assert.ok(last.figures.restart_listening_s <= last.figures.cold_restart_s);
});
