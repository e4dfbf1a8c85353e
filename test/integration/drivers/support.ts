import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger, LogLevel } from '../../../src/actors/ports.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const binDir = join(repoRoot, 'bin');

/** Environment for driver wrappers in tests: no nice, so busy CI machines don't starve them. */
export const driverEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...process.env, PRIORITY: '0', ONE_MAD_DEBUG: '', ...extra });

export class MemoryLogger implements Logger {
  readonly entries: { module: string; level: LogLevel; message: string; vid?: number }[] = [];
  log(module: string, level: LogLevel, message: string): void {
    this.entries.push({ module, level, message });
  }
  vmLog(vid: number, module: string, level: LogLevel, message: string): void {
    this.entries.push({ module, level, message, vid });
  }
  has(level: LogLevel, pattern: RegExp): boolean {
    return this.entries.some((e) => e.level === level && pattern.test(e.message));
  }
}

/** A temp dir for fake driver scripts; `script()` writes an executable bash file. */
export function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'one-drivers-'));
  return {
    dir,
    script(name: string, body: string): string {
      const path = join(dir, name);
      writeFileSync(path, `#!/usr/bin/env bash\n${body}\n`);
      chmodSync(path, 0o755);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function waitUntil(pred: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
