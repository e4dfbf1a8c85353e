import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lastReportOf } from './bench-run.ts';

// A smoke run: the bench still starts oned, runs every step and ends with its JSON line. Figures are not checked.
it('bench/api.ts --small still runs and ends with its JSON line', { timeout: 90_000 }, async () => {
  const last = await lastReportOf(['bench/api.ts', '--small'], 80_000);
  assert.equal(last.bench, 'api');
  assert.deepEqual(last.workload.pool_sizes, [100, 200]);
  assert.deepEqual(Object.keys(last.machine), ['cores', 'node']);
  for (const metric of ['vmpool_info_20_ms_p50', 'vm_info_calls_per_s_c1', 'vm_info_calls_per_s_c4', 'vm_info_calls_per_s_c16', 'vmpool_info_200_ms_p50', 'system_version_calls_per_s_c1', 'rss_mb_200_vms', 'onevm_version_ms_p50', 'login_quiet_ms', 'login_under_flood_ms', 'rss_peak_mb_4_max_bodies']) {
    assert.equal(typeof last.figures[metric], 'number', metric);
  }
});
