import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'node:test';

const root = resolve(import.meta.dirname, '../../..');

// A smoke run: the bench still builds its log, runs the tools against a real oned and ends with its JSON line.
it('bench/audit.ts --small still runs and ends with its JSON line', { timeout: 240_000 }, async () => {
  const stdout = await new Promise<string>((done, fail) =>
    execFile(process.execPath, ['--import', 'tsx', 'bench/audit.ts', '--small'], { cwd: root, timeout: 230_000 }, (err, out, errOut) =>
      err ? fail(new Error(`${err.message}\n${errOut}`)) : done(out),
    ),
  );
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(last.bench, 'audit');
  assert.equal(last.workload.events, 20_001);
  for (const figure of ['verify_events_per_s', 'verify_db_events_per_s', 'export_events_per_s', 'python_verify_events_per_s', 'replay_at_middle_s']) {
    assert.ok(last.figures[figure] > 0, `${figure} missing`);
  }
});

it('bench/log-growth.ts --small still runs and ends with its JSON line', { timeout: 240_000 }, async () => {
  const stdout = await new Promise<string>((done, fail) =>
    execFile(process.execPath, ['--import', 'tsx', 'bench/log-growth.ts', '--small'], { cwd: root, timeout: 230_000 }, (err, out, errOut) =>
      err ? fail(new Error(`${err.message}\n${errOut}`)) : done(out),
    ),
  );
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(last.bench, 'log-growth');
  assert.ok(last.figures.vm_lifecycle_nic_events > last.figures.vm_lifecycle_events, 'a NIC adds the lease events');
  for (const figure of ['vm_lifecycle_bytes', 'vm_lifecycle_disk_bytes', 'vm_lifecycle_nic_bytes', 'idle_hosts_events_per_day', 'idle_hosts_log_bytes_per_day']) {
    assert.equal(typeof last.figures[figure], 'number', `${figure} missing`);
  }
});
