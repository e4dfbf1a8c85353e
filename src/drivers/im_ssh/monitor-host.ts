import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ActionOutcome } from '../driver-base.ts';
import { isValidHostName } from '../../inputs/host-name.ts';
import { shellQuote } from '../../inputs/shell-words.ts';
import { SshSession } from '../ssh/ssh-session.ts';
import type { SshSettings } from '../ssh/ssh-settings.ts';
import { checkProbeOutput } from './probe-output.ts';
import type { Probe } from './probe-list.ts';

export interface MonitorRequest {
  readonly host: string;
  readonly probes: readonly Probe[];
  readonly remoteDir: string;
  readonly ssh: SshSettings;
  readonly signal: AbortSignal;
  readonly log: (text: string) => void;
}

/**
 * One monitoring (spec §5.5): one ssh connection; each probe, in order, is
 * written to `<remoteDir>/one_im-<md5(name+path)>` and run. Outputs are
 * joined with commas. Every remote argument is single-quoted.
 */
export async function monitorHost(req: MonitorRequest): Promise<ActionOutcome> {
  const { host } = req;
  if (!isValidHostName(host)) return { result: 'FAILURE', info: 'Could not monitor host: invalid host name' };
  const failed = (why: string): ActionOutcome => ({ result: 'FAILURE', info: `Could not monitor host ${host}: ${why}` });
  let session: SshSession;
  try {
    session = await SshSession.connect(host, req.ssh, req.signal);
  } catch (err) {
    return failed(message(err));
  }
  const attributes: string[] = [];
  const garbage: string[] = [];
  try {
    for (const probe of req.probes) {
      const script = await readFile(probe.path, 'utf8').catch(() => undefined);
      if (script === undefined) {
        req.log(`Probe ${probe.name}: cannot read ${probe.path}`);
        continue;
      }
      const remote = `${req.remoteDir}/one_im-${createHash('md5').update(probe.name + probe.path).digest('hex')}`;
      // Written to a temporary name and renamed into place: a probe being run by
      // another monitoring of a host sharing this directory is never rewritten
      // under its feet ("Text file busy").
      const command =
        `mkdir -p ${shellQuote(req.remoteDir)} && cat > ${shellQuote(remote)}.$$ && chmod +x ${shellQuote(remote)}.$$ ` +
        `&& mv -f ${shellQuote(remote)}.$$ ${shellQuote(remote)} && ${shellQuote(remote)}`;
      const out = await session.exec(command, script, req.signal);
      if (out.code !== 0) {
        req.log(`Probe ${probe.name} failed on ${host} (exit ${out.code ?? out.signal ?? 'unknown'}): ${out.stderr.trim().slice(0, 500)}`);
        continue;
      }
      const checked = checkProbeOutput(out.stdout);
      attributes.push(...checked.attributes);
      for (const bad of checked.bad) {
        req.log(`Probe ${probe.name} printed a line that is not NAME=value: ${bad.slice(0, 200)}`);
        garbage.push(`${probe.name}: ${bad.slice(0, 80)}`);
      }
    }
  } catch (err) {
    return failed(message(err));
  } finally {
    session.close();
  }
  // Garbage anywhere fails the whole monitoring, as it failed 1.4's template parse:
  // a host must not look healthy on half of its figures.
  if (garbage.length > 0) return failed(`probe output is not NAME=value (${garbage[0]})`);
  if (attributes.length > 0) return { result: 'SUCCESS', info: attributes.join(',') };
  return { result: 'FAILURE', info: `Could not monitor host ${host}.` };
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ');
