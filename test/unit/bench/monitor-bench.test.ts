import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lastReportOf } from './bench-run.ts';

/** Smoke test only: the figures depend on the machine, so only the report's shape is checked. */
it('bench/monitor.ts --small runs oned, monitors its hosts and ends with its JSON line', async () => {
  const last = await lastReportOf(['bench/monitor.ts', '--small'], 90_000);
  assert.equal(last.bench, 'monitor');
  assert.equal(last.workload.hosts, 200);
  assert.deepEqual(Object.keys(last.machine), ['cores', 'node']);
  for (const figure of ['host_updates_per_s', 'monitor_lag_s_p50', 'monitor_lag_s_p99', 'oned_cpu_pct', 'rss_mb', 'host_updates_per_s_max']) {
    assert.equal(typeof last.figures[figure], 'number', `${figure} missing`);
  }
});
