import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** Is there a live process with this pid? */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The exclusive lock that stops a second oned on the same var dir (§11.6).
 * It holds our pid; a lock left by a dead process is stale and is taken over,
 * so a crash never needs a manual clean-up.
 */
export function acquireLock(path: string): { ok: true; release: () => void } | { ok: false; holder: number } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { ok: true, release: () => rmSync(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isFinite(holder) && isAlive(holder)) return { ok: false, holder };
      rmSync(path, { force: true });
    }
  }
  return { ok: false, holder: -1 };
}
