import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where oned finds its files (spec §11.5). With ONE_LOCATION everything
 * lives under it, as 1.4's self-contained install. Without it we use the
 * checkout itself rather than 1.4's system-wide /etc/one, /var/lib/one …,
 * so that a fresh clone runs as is.
 */
export interface Layout {
  /** $ONE_LOCATION when set; absent for the checkout layout. */
  readonly location?: string;
  /** oned.conf, mad/defaultrc, driver config folders. */
  readonly etc: string;
  /** one.db, VM folders; the default VM_DIR. */
  readonly var: string;
  /** Driver programs and probes (lib/mads, lib/im_probes, lib/tm_commands). */
  readonly lib: string;
  /** oned.log, sched.log. */
  readonly log: string;
  /** oned.pid, sched.pid. */
  readonly run: string;
  /** The lock file oned creates exclusively while it runs. */
  readonly lock: string;
  readonly bin: string;
}

/**
 * The checkout root: the nearest folder above this module that holds
 * package.json. This module runs from src/config/ under tsx and from a
 * bundle in dist/ (src/launch/run-compiled.mjs), at different depths.
 */
export const REPO_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}

export function resolveLayout(env: Readonly<Record<string, string | undefined>>): Layout {
  const location = env.ONE_LOCATION?.trim() ? path.resolve(env.ONE_LOCATION) : undefined;
  const root = location ?? REPO_ROOT;
  const varDir = path.join(root, 'var');
  return {
    ...(location !== undefined ? { location } : {}),
    etc: path.join(root, 'etc'),
    var: varDir,
    lib: path.join(root, 'lib'),
    log: varDir,
    run: varDir,
    lock: path.join(varDir, '.lock'),
    bin: path.join(root, 'bin'),
  };
}

export const onedConfPath = (layout: Layout): string => path.join(layout.etc, 'oned.conf');
