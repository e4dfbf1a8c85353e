import { isAbsolute, join } from 'node:path';

/** Which manager a driver belongs to; decides how its replies and logs are read. */
export type MadKind = 'im' | 'vmm' | 'tm' | 'hm';

/** One `IM_MAD`/`VM_MAD`/`TM_MAD`/`HM_MAD` entry of oned.conf (spec §4.1). */
export interface MadConfig {
  readonly name: string;
  readonly kind: MadKind;
  /** Wrapper to run; relative names are looked up in the bin directory. */
  readonly executable: string;
  /** The whole ARGUMENTS string; passed as ONE argv element, the wrapper re-splits it. */
  readonly arguments?: string;
  /** VMM only: driver defaults file, read by oned itself. */
  readonly default?: string;
  /** VMM only: xen, kvm or xml. */
  readonly type?: string;
}

/** `ONE_LOCATION/bin` for a self-contained install, else the repository's own bin/. */
export function defaultBinDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.ONE_LOCATION ? join(env.ONE_LOCATION, 'bin') : join(repoRoot, 'bin');
}

export function resolveExecutable(executable: string, binDir: string): string {
  return isAbsolute(executable) ? executable : join(binDir, executable);
}
