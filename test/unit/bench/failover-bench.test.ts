import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lastReportOf } from './bench-run.ts';

// A smoke run: the bench still starts its cluster and two front-ends, kills the leader twice and ends with
// its JSON line. The figures are the e2e failover test's job (test/e2e/pg-failover.test.ts).
it('bench/failover.ts --small still runs its kills and ends with its JSON line', { timeout: 240_000 }, async () => {
  const last = await lastReportOf(['bench/failover.ts', '--small'], 230_000);
  assert.equal(last.bench, 'failover');
  assert.equal(last.workload.kills, 2);
  for (const figure of ['takeover_s_p50', 'takeover_s_max', 'acknowledged', 'acknowledged_lost', 'ids_reused', 'deployed_twice', 'chain_verified']) {
    assert.equal(typeof last.figures[figure], 'number', `${figure} missing`);
  }
});
