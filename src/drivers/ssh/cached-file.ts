import { readFileSync, statSync } from 'node:fs';

interface Entry {
  readonly stamp: string;
  readonly data: Buffer;
}

const cache = new Map<string, Entry>();

/**
 * Reads a file that the user may create or change while a driver runs (the
 * SSH key, known_hosts). Every call stats the file; it is read again only
 * when its inode, size, mtime or ctime changed, so a connection costs one
 * stat, and a key created after the driver started is used at the next
 * connection without a restart. Throws as readFileSync does (ENOENT …).
 */
export function readCachedFile(path: string): Buffer {
  const st = statSync(path, { bigint: true });
  const stamp = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  const hit = cache.get(path);
  if (hit && hit.stamp === stamp) return hit.data;
  const data = readFileSync(path);
  cache.set(path, { stamp, data });
  return data;
}

/** True when the error says the file is not there (so the next candidate may be tried). */
export const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException)?.code === 'ENOENT';
