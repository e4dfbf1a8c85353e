import { envNumber } from '../abortable-sleep.ts';
import { driverMain } from '../driver-main.ts';
import { decodeHookWords } from '../protocol/hook-words.ts';
import { sshSettingsFromEnv } from '../ssh/ssh-settings.ts';
import { runHook } from './run-hook.ts';

/** one_hm: `EXECUTE <vid> <hook> LOCAL|<host> <command> <words>`, words encoded as in hook-words.ts. */
const env = process.env;
const ssh = sshSettingsFromEnv(env);
const timeoutMs = envNumber(env, 'HM_TIMEOUT_MS', 300_000);

await driverMain(() => ({
  EXECUTE: {
    arity: [4, 4],
    async run(_vid, [hook, where, command, encoded], ctx) {
      // The core split and substituted the words; they are never split again here.
      const words = decodeHookWords(encoded);
      if (!Array.isArray(words)) return { result: 'FAILURE', info: `${hook} bad arguments: ${words.error}` };
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
      return runHook({ hook, where, argv: [command, ...words], ssh, signal, log: ctx.log });
    },
  },
}));
