import { execFile } from 'node:child_process';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { it } from 'node:test';
import { lastReportOf } from './bench-run.ts';

const root = resolve(import.meta.dirname, '../../..');

/** Smoke test only: the figures depend on the machine, so only the report's shape is checked. */
it('bench/sched.ts --small --parts pure runs the planner pass and ends with its JSON line', { timeout: 60_000 }, async () => {
  const last = await lastReportOf(['bench/sched.ts', '--small', '--parts', 'pure'], 50_000);
  assert.equal(last.bench, 'sched');
  assert.deepEqual(last.workload.parts, ['pure']);
  assert.equal(last.workload.pure_hosts, 200);
  assert.ok(last.workload.pure_placed > 0, 'the pass placed nothing');
  assert.deepEqual(Object.keys(last.machine), ['cores', 'node']);
  for (const figure of ['placements_per_s_pure', 'pure_pass_ms', 'pure_first_pass_ms', 'pure_single_vm_pass_ms_p50']) {
    assert.equal(typeof last.figures[figure], 'number', `${figure} missing`);
  }
});

it('bench/sched.ts refuses a part it does not know', { timeout: 60_000 }, async () => {
  const error = await new Promise<string>((done) =>
    execFile(process.execPath, ['--import', 'tsx', 'bench/sched.ts', '--small', '--parts', 'nope'], { cwd: root, timeout: 50_000 }, (err, _out, errOut) =>
      done(err ? errOut : ''),
    ),
  );
  assert.match(error, /unknown part\(s\) \["nope"\]; known: pure/);
});
