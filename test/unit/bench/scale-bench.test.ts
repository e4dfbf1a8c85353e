import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lastReportOf } from './bench-run.ts';

// A smoke run (200 hosts, 2,000 VMs, oned and mm_sched): the bench still runs every step and ends with its JSON line. Figures are not checked.
it('bench/scale.ts --small still runs and ends with its JSON line', { timeout: 240_000 }, async () => {
  const last = await lastReportOf(['bench/scale.ts', '--small'], 230_000);
  assert.equal(last.bench, 'scale');
  assert.equal(last.workload.hosts, 200);
  assert.equal(last.workload.vms, 2000);
  assert.deepEqual(Object.keys(last.machine), ['cores', 'node']);
  for (const metric of [
    'allocate_to_running_vms_per_s', 'vmpool_info_2k_ms_p50', 'hostpool_info_200_ms_p50', 'vmpool_info_2k_python_ms_p50',
    'hostpool_info_200_python_ms_p50', 'vmpool_info_2k_client_ms_p50', 'hostpool_info_200_client_ms_p50', 'oned_rss_mb',
    'frontend_rss_mb', 'monitoring_lag_s_p99', 'cold_restart_s',
  ]) {
    assert.equal(typeof last.figures[metric], 'number', metric);
  }
});
