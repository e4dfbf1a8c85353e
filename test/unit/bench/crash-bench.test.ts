import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lastReportOf } from './bench-run.ts';

// A smoke run: the bench still kills and restarts oned and ends with its JSON line. Figures are not checked
// (acknowledged_lost is the e2e crash test's job; the bench exits 1 when it is not 0, which fails this too).
it('bench/crash.ts --small still runs its cycles and ends with its JSON line', { timeout: 240_000 }, async () => {
  const last = await lastReportOf(['bench/crash.ts', '--small'], 230_000);
  assert.equal(last.bench, 'crash');
  assert.equal(last.workload.cycles, 4);
  assert.deepEqual(Object.keys(last.machine), ['cores', 'node']);
  for (const figure of ['acknowledged_lost', 'restart_s_p50', 'restart_s_max', 'events_replayed', 'ids_reused', 'acknowledged_writes']) {
    assert.equal(typeof last.figures[figure], 'number', `${figure} missing`);
  }
});
