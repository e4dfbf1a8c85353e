import { invalidHostNameMessage, isValidHostName } from '../../inputs/host-name.ts';
import type { ActionContext, ActionOutcome } from '../driver-base.ts';
import { SshSession, type ExecResult } from '../ssh/ssh-session.ts';
import type { SshSettings } from '../ssh/ssh-settings.ts';

/** Runs one remote command line (every word already quoted), feeding `stdin` if given. */
export type RemoteRun = (command: string, stdin?: string) => Promise<ExecResult>;

export const failure = (info: string): ActionOutcome => ({ result: 'FAILURE', info });
export const success = (info = ''): ActionOutcome => ({ result: 'SUCCESS', info });

/** What a failed remote command said: its stderr (else stdout) on one line, else the exit status. */
export function errorText(out: ExecResult): string {
  const text = (out.stderr.trim() || out.stdout.trim()).replace(/\s+/g, ' ');
  return text.slice(0, 2000) || `exit ${out.code ?? out.signal ?? 'unknown'}`;
}

/**
 * The frame of a VMM action: check the host name, open one ssh connection,
 * run `body` with a command runner, always close. An ssh error, a
 * cancellation or the timeout becomes a FAILURE whose text says what
 * happened; `body` returns the outcome otherwise.
 */
export async function onHost(
  host: string,
  ssh: SshSettings,
  ctx: ActionContext,
  timeoutMs: number,
  body: (run: RemoteRun) => Promise<ActionOutcome>,
): Promise<ActionOutcome> {
  if (!isValidHostName(host)) return failure(invalidHostNameMessage(host));
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  let session: SshSession | undefined;
  try {
    session = await SshSession.connect(host, ssh, signal);
    const open = session;
    return await body((command, stdin) => open.exec(command, stdin, signal));
  } catch (err) {
    if (signal.aborted && !ctx.signal.aborted) return failure(`Timed out after ${timeoutMs / 1000} s on ${host}`);
    return failure((err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' '));
  } finally {
    session?.close();
  }
}
