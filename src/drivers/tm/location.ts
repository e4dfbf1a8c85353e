import { posix } from 'node:path';
import { isValidHostName } from '../../inputs/host-name.ts';

/**
 * The `host:path` arguments of transfer-script lines (spec §4.5: the host is
 * the text before the first `:`, as 1.4's arg_host/arg_path). A bare
 * absolute path is on the front-end; `http://` and `https://` sources are
 * URLs. The host must pass the one host-name rule and the path must be
 * absolute, so neither can ever pass for an option of ssh, cp or rm.
 */
export type Location =
  | { readonly kind: 'path'; readonly host: string; readonly path: string; readonly local: boolean }
  | { readonly kind: 'url'; readonly url: string };

export type PathLocation = Extract<Location, { kind: 'path' }>;

export class LocationError extends Error {}

/** `frontend` is this machine's host name: its paths are handled locally, without ssh. */
export function parseLocation(arg: string, frontend: string): Location {
  if (/^https?:\/\//i.test(arg)) return { kind: 'url', url: arg };
  // A host name never starts with `/`: such an argument is a front-end path, `:` and all.
  const colon = arg.startsWith('/') ? -1 : arg.indexOf(':');
  const host = colon < 0 ? frontend : arg.slice(0, colon);
  const path = colon < 0 ? arg : arg.slice(colon + 1);
  if (!isValidHostName(host)) throw new LocationError(`${JSON.stringify(arg)}: invalid host name ${JSON.stringify(host)}`);
  if (!path.startsWith('/')) throw new LocationError(`${JSON.stringify(arg)}: the path must be absolute`);
  return { kind: 'path', host, path, local: host === frontend };
}

/** A location that must be a path (a destination, something to delete or move). */
export function parsePath(arg: string, frontend: string): PathLocation {
  const loc = parseLocation(arg, frontend);
  if (loc.kind !== 'path') throw new LocationError(`${JSON.stringify(arg)}: a URL cannot be a destination`);
  return loc;
}

/**
 * True when `path` is strictly inside `dir` and written plainly: no `.`,
 * `..`, `//` or trailing `/` that could make a prefix test lie.
 */
export function isInside(path: string, dir: string): boolean {
  const base = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
  return posix.normalize(path) === path && !path.endsWith('/') && path.startsWith(base === '/' ? '/' : `${base}/`) && path !== base;
}

/**
 * tm_nfs: the hosts mount the front-end's var dir at VM_DIR, so a host path
 * under VM_DIR is the same file under varDir on the front-end (1.4's nfs
 * scripts replaced the prefix the same way). Other paths are taken as they are.
 */
export function frontendPath(path: string, vmDir: string, varDir: string): string {
  const base = vmDir.replace(/\/+$/, '');
  if (path === base) return varDir;
  if (path.startsWith(`${base}/`)) return posix.join(varDir, path.slice(base.length + 1));
  return path;
}
