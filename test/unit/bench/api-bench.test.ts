import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'node:test';

const root = resolve(import.meta.dirname, '../../..');

// A smoke run: the bench still starts oned, runs every step and ends with its JSON line. Figures are not checked.
it('bench/api.ts --small still runs and ends with its JSON line', { timeout: 90_000 }, async () => {
  const stdout = await new Promise<string>((done, fail) =>
    execFile(process.execPath, ['--import', 'tsx', 'bench/api.ts', '--small'], { cwd: root, timeout: 80_000 }, (err, out, errOut) =>
      err ? fail(new Error(`${err.message}\n${errOut}`)) : done(out),
    ),
  );
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(last.bench, 'api');
  assert.deepEqual(last.workload.pool_sizes, [100, 200]);
  assert.deepEqual(Object.keys(last.machine), ['cores', 'node']);
  for (const metric of ['vmpool_info_20_ms_p50', 'vm_info_calls_per_s_c1', 'vm_info_calls_per_s_c4', 'vm_info_calls_per_s_c16', 'vmpool_info_200_ms_p50', 'system_version_calls_per_s_c1', 'rss_mb_200_vms', 'onevm_version_ms_p50', 'login_quiet_ms', 'login_under_flood_ms', 'rss_peak_mb_4_max_bodies']) {
    assert.equal(typeof last.figures[metric], 'number', metric);
  }
});
