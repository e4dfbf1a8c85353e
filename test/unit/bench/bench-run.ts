import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');

/** A bench's JSON report line (the format every bench prints last); each test checks the fields it needs. */
export type BenchReport = { readonly bench: string; readonly [key: string]: any };

/**
 * Runs `node --import tsx <args>` from the repository root (a bench in its
 * small mode, for the smoke tests) and parses its last stdout line; a
 * failed run rejects with its stderr.
 */
export function lastReportOf(args: readonly string[], timeoutMs: number): Promise<BenchReport> {
  return new Promise((done, fail) =>
    execFile(process.execPath, ['--import', 'tsx', ...args], { cwd: root, timeout: timeoutMs }, (err, out, errOut) =>
      err ? fail(new Error(`${err.message}\n${errOut}`)) : done(JSON.parse(out.trim().split('\n').at(-1)!) as BenchReport),
    ),
  );
}
