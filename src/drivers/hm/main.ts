import { envNumber } from '../abortable-sleep.ts';
import { driverMain } from '../driver-main.ts';
import { sshSettingsFromEnv } from '../ssh/ssh-settings.ts';
import { runHook } from './run-hook.ts';
import { splitArgs } from './split-args.ts';

/** one_hm: `EXECUTE <vid> <hook> LOCAL|<host> <command> <args…>` (spec §4.7). */
const env = process.env;
const ssh = sshSettingsFromEnv(env);
const timeoutMs = envNumber(env, 'HM_TIMEOUT_MS', 300_000);

await driverMain(() => ({
  EXECUTE: {
    arity: [3, Number.MAX_SAFE_INTEGER],
    async run(_vid, [hook, where, command, ...rest], ctx) {
      // The arguments are free text; the core sends `-` when there are none.
      const words = splitArgs(rest.join(' '));
      if (!Array.isArray(words)) return { result: 'FAILURE', info: `${hook} bad arguments: ${words.error}` };
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
      return runHook({ hook, where, argv: [command, ...words], ssh, signal, log: ctx.log });
    },
  },
}));
