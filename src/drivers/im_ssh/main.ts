import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { envNumber } from '../abortable-sleep.ts';
import { driverMain } from '../driver-main.ts';
import { sshSettingsFromEnv } from '../ssh/ssh-settings.ts';
import { monitorHost } from './monitor-host.ts';
import { parseProbeList } from './probe-list.ts';

/**
 * one_im_ssh: `MONITOR <hid> <host>` → run the probes of the list file given
 * as argument (relative to etc/) on the host over ssh.
 */
const env = process.env;
const location = env.ONE_LOCATION ?? process.cwd();
const etc = env.ONE_ETC ?? join(location, 'etc');
const probeDir = join(env.ONE_LIB ?? join(location, 'lib'), 'im_probes');

await driverMain(({ positional }) => {
  const listArg = positional[0];
  const listPath = listArg === undefined ? undefined : isAbsolute(listArg) ? listArg : join(etc, listArg);
  let listText = '';
  let listError: string | undefined = listPath === undefined ? 'no probe list given' : undefined;
  try {
    if (listPath) listText = readFileSync(listPath, 'utf8');
  } catch (err) {
    listError = `cannot read probe list ${listPath}: ${(err as Error).message}`;
  }
  const { probes, errors } = parseProbeList(listText, probeDir);
  if (listError === undefined && errors.length > 0) listError = `bad probe list ${listPath}: ${errors.join('; ')}`;
  const ssh = sshSettingsFromEnv(env);
  const remoteDir = env.IM_REMOTE_DIR || '/tmp/one-im';
  const timeoutMs = envNumber(env, 'IM_SSH_TIMEOUT_MS', 60_000);
  return {
    MONITOR: {
      arity: [1, 2], // 2.2+ appends update_remotes; ignored here since probes are re-sent every time
      async run(_hid, [host], ctx) {
        if (listError !== undefined) return { result: 'FAILURE', info: `Could not monitor host ${host}: ${listError}` };
        const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
        const outcome = await monitorHost({ host, probes, remoteDir, ssh, signal, log: ctx.log });
        if (signal.aborted && !ctx.signal.aborted && outcome.result === 'FAILURE') {
          return { result: 'FAILURE', info: `Could not monitor host ${host}: timed out after ${timeoutMs} ms` };
        }
        return outcome;
      },
    },
  };
});
