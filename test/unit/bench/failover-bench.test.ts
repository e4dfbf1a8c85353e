import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'node:test';

const root = resolve(import.meta.dirname, '../../..');

// A smoke run: the bench still starts its cluster and two front-ends, kills the leader twice and ends with
// its JSON line. The figures are the e2e failover test's job (test/e2e/pg-failover.test.ts).
it('bench/failover.ts --small still runs its kills and ends with its JSON line', { timeout: 240_000 }, async () => {
  const stdout = await new Promise<string>((done, fail) =>
    execFile(process.execPath, ['--import', 'tsx', 'bench/failover.ts', '--small'], { cwd: root, timeout: 230_000 }, (err, out, errOut) =>
      err ? fail(new Error(`${err.message}\n${errOut}`)) : done(out),
    ),
  );
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(last.bench, 'failover');
  assert.equal(last.workload.kills, 2);
  for (const figure of ['takeover_s_p50', 'takeover_s_max', 'acknowledged', 'acknowledged_lost', 'ids_reused', 'deployed_twice', 'chain_verified']) {
    assert.equal(typeof last.figures[figure], 'number', `${figure} missing`);
  }
});
