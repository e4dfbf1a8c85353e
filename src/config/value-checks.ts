import { isIP } from 'node:net';
import { posix } from 'node:path';

/**
 * Checks for single values in oned.conf. Each returns the typed value or a
 * Problem; a bad value stops start-up rather than falling back silently.
 */
export class Problem {
  constructor(readonly problem: string) {}
}

export type Check<T> = (raw: string) => T | Problem;

export const isProblem = (x: unknown): x is Problem => x instanceof Problem;

export const problem = (text: string): Problem => new Problem(text);

const shown = (raw: string) => JSON.stringify(raw);

export function integerIn(min: number, max: number): Check<number> {
  return (raw) => {
    const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      return problem(`must be an integer from ${min} to ${max}, got ${shown(raw)}`);
    }
    return n;
  };
}

export const positiveInteger: Check<number> = integerIn(1, 2 ** 31 - 1);

export const tcpPort: Check<number> = integerIn(1, 65535);

export const debugLevel: Check<0 | 1 | 2 | 3> = (raw) => {
  const n = integerIn(0, 3)(raw);
  return isProblem(n) ? problem(`must be 0 (ERROR), 1 (WARNING), 2 (INFO) or 3 (DEBUG), got ${shown(raw)}`) : (n as 0 | 1 | 2 | 3);
};

/** Two hex octets, `XX:YY`; kept as written but lower-case. */
export const macPrefix: Check<string> = (raw) =>
  /^[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}$/.test(raw) ? raw.toLowerCase() : problem(`must be two hex octets like "00:01", got ${shown(raw)}`);

export const absolutePath: Check<string> = (raw) =>
  raw.startsWith('/') ? raw : problem(`must be an absolute path, got ${shown(raw)}`);

/**
 * SAFE_DIRS: blank-separated absolute paths, each kept lexically normal
 * (no `.`, `..`, `//` or trailing `/`) so that a prefix test on it is sound.
 * An empty value is an empty list: no front-end file for other users than oneadmin.
 */
export const absolutePaths: Check<readonly string[]> = (raw) => {
  const paths = raw.split(/[ \t]+/).filter((p) => p !== '');
  const relative = paths.find((p) => !p.startsWith('/'));
  if (relative !== undefined) return problem(`must be absolute paths separated by blanks, got ${shown(relative)}`);
  return paths.map((p) => {
    const normal = posix.normalize(p);
    return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
  });
};

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const listenAddress: Check<string> = (raw) =>
  isIP(raw) !== 0 || HOSTNAME.test(raw) ? raw : problem(`must be an IP address or a host name, got ${shown(raw)}`);
