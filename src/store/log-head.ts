import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogPosition } from '../actors/ports.ts';

/**
 * The log's head recorded outside the database (`var/one.head`): the last
 * committed seq and its hash at the latest checkpoint or clean stop. A log
 * found shorter than this at start-up lost its tail. Written to a temporary
 * file, synced and renamed, so a crash leaves the old head or the new one.
 */
export function writeLogHead(path: string, head: LogPosition): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify({ seq: head.seq, hash: head.hash })}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** The recorded head; undefined when none was ever written. Throws on a malformed file. */
export function readLogHead(path: string): LogPosition | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const head = JSON.parse(text) as Partial<LogPosition>;
  if (!Number.isSafeInteger(head.seq) || head.seq! < 0 || typeof head.hash !== 'string') {
    throw new Error(`${path} is not a log head: ${text.trim().slice(0, 80)}`);
  }
  return { seq: head.seq!, hash: head.hash };
}
