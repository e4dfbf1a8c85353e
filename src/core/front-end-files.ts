import { lstatSync, realpathSync } from 'node:fs';
import { posix } from 'node:path';
import { getVectors } from '../template/template-lookup.ts';
import type { Template } from '../template/template.ts';
import { CONTROL_CHARACTER } from './transfer-script-line.ts';

/** oneadmin's uid: the owner of the front-end, whose VMs may use any front-end file. */
const ONEADMIN_UID = 0;

/** An http(s) URL, which the TM driver downloads (it reads no front-end file). */
const URL = /^https?:\/\//i;
/** `host:path` (or any other `scheme:`), as transfer-inputs.ts accepts it: the driver reads it over ssh. */
const HOST_PATH = /^[A-Za-z0-9][A-Za-z0-9.+_-]*:/;

/**
 * The TM driver copies DISK SOURCE (CLONE/LN) and CONTEXT FILES from the
 * front-end as oned's own user. Without a rule any user could have oned's
 * database, its SSH key or /etc/shadow copied into their VM, as in 1.4.
 * So, for every user but oneadmin, each such value must be:
 *
 * - an http(s) URL (a DISK SOURCE only: CONTEXT FILES are front-end files), or
 * - an absolute path strictly inside one of SAFE_DIRS, both as written
 *   (`.` and `..` resolved lexically) and as the file system resolves it
 *   (symlinks followed, as far as the path exists).
 *
 * A `host:path` SOURCE is refused too: the driver reads it over ssh with
 * oned's key, from any host, the front-end itself included under another
 * name (localhost, its address).
 *
 * Returns what is wrong, naming the attribute, or undefined when it is fine.
 */
export function frontEndFileProblem(template: Template, uid: number, safeDirs: readonly string[]): string | undefined {
  if (uid === ONEADMIN_UID) return undefined;
  for (const [i, disk] of getVectors(template, 'DISK').entries()) {
    for (const [name, value] of disk.pairs) {
      if (name !== 'SOURCE' || value === '' || URL.test(value)) continue;
      const why = HOST_PATH.test(value)
        ? `is a host:path location, which only oneadmin may use (others: an http(s) URL or a path inside SAFE_DIRS (${safeDirs.join(' ') || 'none'}))`
        : pathProblem(value, safeDirs);
      if (why) return `Error in DISK ${i}: SOURCE ${value} ${why}`;
    }
  }
  for (const context of getVectors(template, 'CONTEXT')) {
    for (const [name, value] of context.pairs) {
      if (name !== 'FILES') continue;
      // The same split as context-script.ts: blank-separated front-end files.
      for (const file of value.split(/[ \t]+/).filter((f) => f !== '')) {
        const why = pathProblem(file, safeDirs);
        if (why) return `Error in CONTEXT: FILES entry ${file} ${why}`;
      }
    }
  }
  return undefined;
}

/** Why `path` may not be read for a user, or undefined when it lies inside one of `safeDirs`. */
export function pathProblem(path: string, safeDirs: readonly string[]): string | undefined {
  const safe = `SAFE_DIRS (${safeDirs.join(' ') || 'none'})`;
  const only = '; only oneadmin may use other front-end files';
  if (CONTROL_CHARACTER.test(path)) return 'contains a control character';
  if (!path.startsWith('/')) return `is not an absolute path inside ${safe}${only}`;
  if (!safeDirs.some((dir) => isStrictlyInside(lexical(path), lexical(dir)))) return `is outside ${safe}${only}`;
  const real = physical(path);
  if (real === undefined) return `cannot be resolved inside ${safe} (a broken symbolic link?)${only}`;
  const realDirs = safeDirs.flatMap((dir) => [lexical(dir), physical(dir) ?? lexical(dir)]);
  // The target is not named: it would tell a user about front-end files they may not read.
  if (!realDirs.some((dir) => isStrictlyInside(real, dir))) return `leaves ${safe} through a symbolic link${only}`;
  return undefined;
}

/** `.`, `..`, `//` and a trailing `/` resolved on the text alone (`/..` stays `/`). */
export function lexical(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

/** True when `path` is below `dir` (both lexical): `/safe-evil/x` is not inside `/safe`, nor is `/safe` itself. */
export function isStrictlyInside(path: string, dir: string): boolean {
  return path !== dir && path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

/**
 * Where the file system takes `path` (absolute): the real path of its
 * longest existing prefix, with the rest appended; undefined when that
 * prefix cannot be resolved (a dangling or looping symlink, no access).
 * The prefix is taken on the text as written, so that `link/..` is resolved
 * the way the kernel does it (the parent of the link's target).
 */
function physical(path: string): string | undefined {
  let existing = path;
  const rest: string[] = [];
  // lstat, not exists: a dangling symlink is there, and must not pass for a file yet to come.
  while (!present(existing) && existing !== '/') {
    rest.unshift(posix.basename(existing));
    existing = posix.dirname(existing);
  }
  try {
    // .native is realpath(3): the JS realpathSync resolves `..` on the text first, before any link.
    return lexical(posix.join(realpathSync.native(existing), ...rest));
  } catch {
    return undefined;
  }
}

/** True when something (a dangling symlink too) is at `path`; a part that is not a folder means nothing is. */
function present(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}
