import { join } from 'node:path';
import { envNumber } from '../abortable-sleep.ts';

export interface XenSettings {
  /** The toolstack program on the host: `xl` (default), `xm`, or an absolute path to one of them. */
  readonly command: string;
  /** Which command set it speaks; only `migrate` differs (`xm migrate -l`). */
  readonly flavour: 'xl' | 'xm';
  /** `xentop` on the host (a word or an absolute path). */
  readonly xentop: string;
  /** Seconds between xentop's two samples; the second gives CPU %. */
  readonly xentopDelayS: number;
  /** Where oned writes deployment files: `<varDir>/<vid>/deployment.<seq>`. */
  readonly varDir: string;
  /** Whole time one action (and its ssh connection) may take, except SHUTDOWN's wait. */
  readonly actionTimeoutMs: number;
  /** How long SHUTDOWN waits for the domain to go after `xl shutdown`. */
  readonly shutdownTimeoutMs: number;
  /** Pause between two `xl list` checks while it waits. */
  readonly shutdownCheckMs: number;
}

/**
 * The command names reach the host's shell (quoted, but still run), so they
 * must be one plain word: a program name or an absolute path of plain
 * characters, never an option (`-…`) or something with blanks or quotes.
 */
const PROGRAM = /^(?:\/(?:[A-Za-z0-9_.+-]+\/)*)?[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/**
 * From etc/vmm_xen/vmm_xenrc, exported by the wrapper (the environment wins).
 * The driver takes no ARGUMENTS besides -t.
 */
export function xenSettings(env: NodeJS.ProcessEnv, positional: readonly string[]): XenSettings | { error: string } {
  if (positional.length > 0) return { error: `unknown argument ${JSON.stringify(positional[0])} (one_vmm_xen takes -t <threads>; settings go in etc/vmm_xen/vmm_xenrc)` };
  const command = env.XEN_COMMAND || 'xl';
  const xentop = env.XENTOP_COMMAND || 'xentop';
  if (!PROGRAM.test(command)) return { error: `XEN_COMMAND ${JSON.stringify(command)} must be xl or xm, or an absolute path to one of them` };
  const flavour = command.split('/').pop();
  if (flavour !== 'xl' && flavour !== 'xm') return { error: `XEN_COMMAND ${JSON.stringify(command)} must be xl or xm, or an absolute path to one of them` };
  if (!PROGRAM.test(xentop)) return { error: `XENTOP_COMMAND ${JSON.stringify(xentop)} must be a program name or an absolute path of plain characters` };
  const location = env.ONE_LOCATION || process.cwd();
  return {
    command,
    flavour,
    xentop,
    xentopDelayS: Math.max(1, Math.round(envNumber(env, 'XENTOP_DELAY_S', 1))),
    varDir: env.ONE_VAR || join(location, 'var'),
    actionTimeoutMs: envNumber(env, 'VMM_XEN_TIMEOUT_MS', 300_000),
    shutdownTimeoutMs: envNumber(env, 'VMM_XEN_SHUTDOWN_TIMEOUT_MS', 120_000),
    shutdownCheckMs: envNumber(env, 'VMM_XEN_SHUTDOWN_CHECK_MS', 2_000),
  };
}
