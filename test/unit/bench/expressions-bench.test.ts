import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'node:test';

const root = resolve(import.meta.dirname, '../../..');

/** Smoke test only: the figures depend on the machine, so only the report's shape is checked. */
it('bench/expressions.ts --small measures compiled and interpreted evaluations and ends with its JSON line', async () => {
  const stdout = await new Promise<string>((done, fail) =>
    execFile(process.execPath, ['--import', 'tsx', 'bench/expressions.ts', '--small'], { cwd: root, timeout: 60_000 }, (err, out, errOut) =>
      err ? fail(new Error(`${err.message}\n${errOut}`)) : done(out),
    ),
  );
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(last.bench, 'expressions');
  assert.equal(last.workload.hosts, 1000);
  for (const kind of ['requirements', 'rank']) {
    for (const how of ['compiled', 'interpreted', 'parsed_each_time']) {
      const figure = last.figures[`${kind}_${how}_per_s`];
      assert.ok(Number.isFinite(figure) && figure > 0, `${kind}_${how}_per_s: ${figure}`);
    }
  }
});
