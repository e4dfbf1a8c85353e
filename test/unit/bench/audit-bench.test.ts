import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lastReportOf } from './bench-run.ts';

// A smoke run: the bench still builds its log, runs the tools against a real oned and ends with its JSON line.
it('bench/audit.ts --small still runs and ends with its JSON line', { timeout: 240_000 }, async () => {
  const last = await lastReportOf(['bench/audit.ts', '--small'], 230_000);
  assert.equal(last.bench, 'audit');
  assert.equal(last.workload.events, 20_001);
  for (const figure of ['verify_events_per_s', 'verify_db_events_per_s', 'export_events_per_s', 'python_verify_events_per_s', 'replay_at_middle_s']) {
    assert.ok(last.figures[figure] > 0, `${figure} missing`);
  }
});

it('bench/log-growth.ts --small still runs and ends with its JSON line', { timeout: 240_000 }, async () => {
  const last = await lastReportOf(['bench/log-growth.ts', '--small'], 230_000);
  assert.equal(last.bench, 'log-growth');
  assert.ok(last.figures.vm_lifecycle_nic_events > last.figures.vm_lifecycle_events, 'a NIC adds the lease events');
  for (const figure of ['vm_lifecycle_bytes', 'vm_lifecycle_disk_bytes', 'vm_lifecycle_nic_bytes', 'idle_hosts_events_per_day', 'idle_hosts_log_bytes_per_day']) {
    assert.equal(typeof last.figures[figure], 'number', `${figure} missing`);
  }
});
