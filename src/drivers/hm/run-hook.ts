import { spawn } from 'node:child_process';
import type { ActionOutcome } from '../driver-base.ts';
import { isValidHostName } from '../../inputs/host-name.ts';
import { shellCommand } from '../../inputs/shell-words.ts';
import { SshSession } from '../ssh/ssh-session.ts';
import type { SshSettings } from '../ssh/ssh-settings.ts';

export interface HookRun {
  readonly hook: string;
  /** `LOCAL` or the host to run on through ssh. */
  readonly where: string;
  readonly argv: readonly string[];
  readonly ssh: SshSettings;
  readonly signal: AbortSignal;
  readonly log: (text: string) => void;
}

/**
 * Runs one hook (spec §4.7): locally without a shell, or remotely with
 * every word single-quoted. stdout/stderr go to the VM log.
 */
export async function runHook(run: HookRun): Promise<ActionOutcome> {
  const { hook } = run;
  const failure = (why: string): ActionOutcome => ({ result: 'FAILURE', info: `${hook} ${why}` });
  // No program or shell can receive a NUL inside an argument; refuse instead of truncating it.
  if (run.argv.some((word) => word.includes('\0'))) return failure('an argument contains a NUL character');
  let out: { code: number | null; stdout: string; stderr: string; error?: string };
  if (run.where === 'LOCAL') {
    out = await runLocal(run.argv, run.signal);
  } else {
    if (!isValidHostName(run.where)) return failure('invalid host name');
    let session: SshSession | undefined;
    try {
      session = await SshSession.connect(run.where, run.ssh, run.signal);
      out = await session.exec(shellCommand(run.argv), undefined, run.signal);
    } catch (err) {
      return failure(err instanceof Error ? err.message : String(err));
    } finally {
      session?.close();
    }
  }
  const text = `${out.stdout}${out.stderr}`.trim();
  if (text !== '') run.log(`Hook ${hook}: ${text.slice(0, 4000)}`);
  if (out.error) return failure(out.error);
  return out.code === 0 ? { result: 'SUCCESS', info: hook } : failure(`exit code ${out.code ?? 'none (killed)'}`);
}

function runLocal(argv: readonly string[], signal: AbortSignal) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; error?: string }>((resolve) => {
    const [command, ...args] = argv;
    const child = spawn(command, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    let error: string | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => (error = signal.aborted ? 'timed out or cancelled' : `cannot run ${command}: ${err.message}`));
    child.on('close', (code) => resolve({ code, stdout, stderr, error }));
  });
}
