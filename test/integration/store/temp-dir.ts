import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp dir per test file; `cleanup` removes it (call it in after()). */
export function tempDir(prefix: string): { path: (...parts: string[]) => string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), `one-ts-${prefix}-`));
  let n = 0;
  return {
    path: (...parts) => join(root, ...(parts.length > 0 ? parts : [`db-${++n}`, 'one.db'])),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
