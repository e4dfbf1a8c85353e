import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs a bench script to the end, killing it by pid if it overstays. */
function runBench(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // Two backends now (SQLite, then a private PostgreSQL cluster): room for a loaded machine.
    const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bench/eventlog.ts --small', () => {
  it('runs and ends with the BENCHMARKS.md JSON line', async () => {
    const { code, stdout, stderr } = await runBench('bench/eventlog.ts', ['--small']);
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1]!);
    assert.equal(report.bench, 'eventlog');
    assert.equal(typeof report.workload, 'object');
    for (const key of ['append_single_events_per_s', 'append_grouped_events_per_s', 'replay_events_per_s', 'rebuild_2000_vms_s', 'rebuild_2000_vms_from_snapshots_s', 'live_decisions_per_s', 'live_decisions_unguarded_per_s', 'chart_guard_us_per_decision', 'rss_mb',
      'pg_append_single_events_per_s', 'pg_append_grouped_events_per_s', 'pg_replay_events_per_s', 'pg_rebuild_2000_vms_s', 'pg_rebuild_2000_vms_from_snapshots_s']) {
      assert.equal(typeof report.figures[key], 'number', key);
    }
    assert.equal(typeof report.machine.cores, 'number');
    assert.match(report.machine.node, /^v\d+/);
  });
});
