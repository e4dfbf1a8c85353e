import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'node:test';

const root = resolve(import.meta.dirname, '../../..');

/** Smoke test only: the figures depend on the machine, so only the report's shape is checked. */
it('bench/monitor.ts --small runs oned, monitors its hosts and ends with its JSON line', async () => {
  const stdout = await new Promise<string>((done, fail) =>
    execFile(process.execPath, ['--import', 'tsx', 'bench/monitor.ts', '--small'], { cwd: root, timeout: 90_000 }, (err, out, errOut) =>
      err ? fail(new Error(`${err.message}\n${errOut}`)) : done(out),
    ),
  );
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(last.bench, 'monitor');
  assert.equal(last.workload.hosts, 200);
  assert.deepEqual(Object.keys(last.machine), ['cores', 'node']);
  for (const figure of ['host_updates_per_s', 'monitor_lag_s_p50', 'monitor_lag_s_p99', 'oned_cpu_pct', 'rss_mb', 'host_updates_per_s_max']) {
    assert.equal(typeof last.figures[figure], 'number', `${figure} missing`);
  }
});
