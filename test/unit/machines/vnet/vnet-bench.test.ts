import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs `bench/vnet.ts --small` and returns its stdout; the child is waited for (and killed on timeout). */
function runBench(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/vnet.ts', '--small'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`bench exited with ${code}: ${err}`));
    });
  });
}

describe('bench/vnet.ts --small', () => {
  it('ends with the JSON report carrying the vnet figures', async () => {
    const lines = (await runBench()).trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1]);
    assert.equal(report.bench, 'vnet');
    assert.equal(typeof report.workload.network_size, 'number');
    for (const key of [
      'lease_allocations_per_s_90pct_full',
      'lease_decisions_per_s_90pct_full_worst_case',
      'lease_book_bytes_65534',
      'lease_book_typed_array_bytes_65534',
      'lease_book_snapshot_json_bytes_65534_ordered',
      'lease_book_snapshot_json_bytes_65534_churned',
      'lease_replay_events_per_s',
    ]) {
      assert.equal(typeof report.figures[key], 'number', key);
    }
    assert.equal(typeof report.machine.cores, 'number');
    assert.equal(typeof report.machine.node, 'string');
  });
});
