import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'node:test';

const root = resolve(import.meta.dirname, '../../..');

it('bench/cli-startup.ts --small still runs and ends with its JSON line', async () => {
  const stdout = await new Promise<string>((done, fail) =>
    execFile(process.execPath, ['--import', 'tsx', 'bench/cli-startup.ts', '--small'], { cwd: root, timeout: 60_000 }, (err, out) =>
      err ? fail(err) : done(out),
    ),
  );
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(last.bench, 'cli-startup');
  assert.equal(last.workload.iterations, 3);
  assert.deepEqual(Object.keys(last.machine), ['cores', 'node']);
  assert.ok('onevm_version_ms_p50' in last.figures);
});
