import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The stand-in `xl`, `xm` and `xentop` (test/helpers/xen-standin/xl): no Xen host exists here. */
export const XEN_STANDIN_BIN = join(resolve(dirname(fileURLToPath(import.meta.url))), 'xen-standin');

export interface XenCall {
  readonly host: string;
  readonly prog: 'xl' | 'xm' | 'xentop';
  readonly argv: readonly string[];
  /** The stand-in's own check failed: the real tool would have refused or misread the arguments. */
  readonly violation?: string;
  /** A failure it simulated (no such domain, injected error…). */
  readonly failure?: string;
}

export interface XenDomain {
  id: number;
  name: string;
  memory: number;
  vcpus: number;
  /** One of xl's state letters: r b p s c d. */
  state: string;
  nets: number;
  weight: number;
  /** NETTX/NETRX in KB, as xentop shows them; each xentop run adds 10 / 20. */
  tx: number;
  rx: number;
  config: string;
  /** Name xentop shows instead (`migrating-one-7`). */
  shown_as?: string;
}

/**
 * The state the stand-in keeps under `dir` for the sshd test hosts named in
 * `hosts` (their addresses): each host's domain list, the log of every call,
 * and switches that make it fail or ignore a shutdown.
 */
export function xenStandin(dir: string, hosts: readonly string[]) {
  for (const h of hosts) mkdirSync(join(dir, 'hosts', h), { recursive: true });
  const hostFile = (host: string, name: string) => join(dir, 'hosts', host, name);
  return {
    /** Variables for host `address`'s ssh sessions: the stand-ins first in PATH. */
    sessionEnv: (address: string): Record<string, string> => ({
      PATH: `${XEN_STANDIN_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      XEN_STANDIN_DIR: dir,
      XEN_STANDIN_HOST: address,
    }),
    calls: (): XenCall[] => {
      const path = join(dir, 'calls.log');
      return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as XenCall) : [];
    },
    domains: (host: string): Record<string, XenDomain> => {
      const path = hostFile(host, 'domains.json');
      return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, XenDomain>) : {};
    },
    setDomains: (host: string, domains: Record<string, XenDomain>) => writeFileSync(hostFile(host, 'domains.json'), JSON.stringify(domains)),
    /** Makes `xl <sub>` (or xentop) on `host` fail with `message` until cleared with undefined. */
    failNext: (host: string, sub: string, message: string | undefined) =>
      message === undefined ? rmSync(hostFile(host, `fail.${sub}`), { force: true }) : writeFileSync(hostFile(host, `fail.${sub}`), message),
    /** While held, `xl <sub>` (or xentop) on `host` waits before doing anything; `held` says a call is waiting. */
    hold: (host: string, sub: string, on: boolean) =>
      on ? writeFileSync(hostFile(host, `hold.${sub}`), '') : rmSync(hostFile(host, `hold.${sub}`), { force: true }),
    held: (host: string, sub: string) => existsSync(hostFile(host, `held.${sub}`)),
    /** `gone` (default), `ignore` (the guest ignores the request) or `zombie` (left in state s). */
    shutdownMode: (host: string, mode: 'gone' | 'ignore' | 'zombie') => writeFileSync(hostFile(host, 'shutdown-mode'), mode),
  };
}
