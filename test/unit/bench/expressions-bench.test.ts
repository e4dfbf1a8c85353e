import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lastReportOf } from './bench-run.ts';

/** Smoke test only: the figures depend on the machine, so only the report's shape is checked. */
it('bench/expressions.ts --small measures compiled and interpreted evaluations and ends with its JSON line', async () => {
  const last = await lastReportOf(['bench/expressions.ts', '--small'], 60_000);
  assert.equal(last.bench, 'expressions');
  assert.equal(last.workload.hosts, 1000);
  for (const kind of ['requirements', 'rank']) {
    for (const how of ['compiled', 'interpreted', 'parsed_each_time']) {
      const figure = last.figures[`${kind}_${how}_per_s`];
      assert.ok(Number.isFinite(figure) && figure > 0, `${kind}_${how}_per_s: ${figure}`);
    }
  }
});
