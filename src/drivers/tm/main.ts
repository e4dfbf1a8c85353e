import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { loadOnedConf } from '../../config/load-oned-conf.ts';
import { onedConfPath, resolveLayout } from '../../config/layout.ts';
import { parseTransferScript } from '../../core/transfer-script-line.ts';
import { driverMain } from '../driver-main.ts';
import { sshSettingsFromEnv } from '../ssh/ssh-settings.ts';
import { NFS_COMMANDS } from './nfs-commands.ts';
import { runTransferLines } from './run-script.ts';
import { SSH_COMMANDS } from './ssh-commands.ts';
import { parseCommandSet } from './tm-conf.ts';

/**
 * one_tm <command set file>: `TRANSFER <vid> <script>` runs the script's
 * lines with the command set the file chooses (tm_ssh, tm_nfs). VM_DIR and
 * the var dir come from the same oned.conf and layout oned uses. A set-up
 * problem (unreadable file, unknown implementation) fails every TRANSFER
 * with its reason rather than the driver's start, so oned's log shows it.
 */
const env = process.env;
const layout = resolveLayout(env);
const IMPLEMENTATIONS = { ...SSH_COMMANDS, ...NFS_COMMANDS, dummy: async () => undefined };

await driverMain(({ positional }) => {
  const problems: string[] = [];
  const confArg = positional[0];
  let confText = '';
  const confPath = confArg === undefined ? undefined : isAbsolute(confArg) ? confArg : join(env.ONE_ETC ?? layout.etc, confArg);
  if (confPath === undefined) problems.push('no command set file given (e.g. tm_ssh/tm_ssh.conf)');
  else {
    try {
      confText = readFileSync(confPath, 'utf8');
    } catch (err) {
      problems.push(`cannot read ${confPath}: ${(err as Error).message}`);
    }
  }
  const { set, errors } = parseCommandSet(confText, IMPLEMENTATIONS);
  problems.push(...errors.map((e) => `${confPath}: ${e}`));
  let vmDir = layout.var;
  try {
    vmDir = loadOnedConf(onedConfPath(layout), layout).vmDir;
  } catch (err) {
    problems.push(`cannot read VM_DIR from oned.conf: ${(err as Error).message}`);
  }
  const ssh = sshSettingsFromEnv(env);
  return {
    TRANSFER: {
      arity: [1, 1],
      async run(_vid, [script], ctx) {
        if (problems.length > 0) return { result: 'FAILURE', info: `Transfer driver not set up: ${problems.join('; ')}` };
        let text: string;
        try {
          text = await readFile(script, 'utf8');
        } catch (err) {
          return { result: 'FAILURE', info: `Cannot read transfer script ${script}: ${(err as Error).message}` };
        }
        const parsed = parseTransferScript(text);
        if (!parsed.ok) return { result: 'FAILURE', info: `Bad transfer script ${script}: ${parsed.message}` };
        return runTransferLines(parsed.lines, set, { frontend: hostname(), vmDir, varDir: layout.var, ssh, signal: ctx.signal, log: ctx.log });
      },
    },
  };
});
