import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'node:test';

const root = resolve(import.meta.dirname, '../../..');
const run = (args: string[]) =>
  new Promise<{ error: Error | null; stdout: string; stderr: string }>((done) =>
    execFile(process.execPath, ['--import', 'tsx', 'bench/lifecycle.ts', ...args], { cwd: root, timeout: 170_000 }, (error, stdout, stderr) =>
      done({ error, stdout, stderr }),
    ),
  );

/** Smoke test only (one real TCG VM on two libvirt hosts): the figures depend on the machine, so only the report's shape is checked. */
it('bench/lifecycle.ts --small runs a VM through oned and one_vmm_kvm and ends with its JSON line', { timeout: 180_000 }, async () => {
  const { error, stdout, stderr } = await run(['--small']);
  assert.equal(error, null, stderr);
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(last.bench, 'lifecycle');
  assert.equal(last.workload.vms, 1);
  assert.equal(last.workload.hosts, 2);
  assert.deepEqual(Object.keys(last.machine), ['cores', 'node']);
  for (const figure of ['allocate_to_running_s_p50', 'live_migration_s', 'virsh_create_s_p50', 'virsh_migrate_s_p50', 'driver_overhead_deploy_s', 'driver_overhead_migrate_s']) {
    assert.equal(typeof last.figures[figure], 'number', `${figure} missing`);
  }
  assert.ok(last.figures.allocate_to_running_s_p50 > 0, 'a VM cannot run in no time');
});

it('bench/lifecycle.ts refuses a VM count it cannot run', { timeout: 60_000 }, async () => {
  const { error, stderr } = await run(['--vms', '0']);
  assert.ok(error, 'exits non-zero');
  assert.match(stderr, /--vms must be a whole number from 1 to 50, got 0/);
});
