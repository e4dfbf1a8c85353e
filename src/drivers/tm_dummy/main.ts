import { readFile } from 'node:fs/promises';
import { parseTransferScript } from '../../core/transfer-script-line.ts';
import { abortableSleep, envNumber } from '../abortable-sleep.ts';
import { driverMain } from '../driver-main.ts';
import { FailureInjector, failureSettingsFromEnv } from '../dummy/failure-injector.ts';

/**
 * one_tm_dummy: reads the transfer script and parses every line as a real TM
 * driver would (1.4's dummy plugin ran each command as a no-op), then succeeds
 * after TM_DUMMY_DELAY_MS, unless TM_DUMMY_FAIL_* says otherwise. A script
 * that cannot be read or parsed fails the TRANSFER.
 */
const env = process.env;
const injector = new FailureInjector(failureSettingsFromEnv('TM_DUMMY', env));

await driverMain(() => ({
  TRANSFER: {
    arity: [1, 1],
    async run(id, [script], ctx) {
      let text: string;
      try {
        text = await readFile(script, 'utf8');
      } catch (err) {
        return { result: 'FAILURE', info: `Cannot read transfer script ${script}: ${err instanceof Error ? err.message : String(err)}` };
      }
      const parsed = parseTransferScript(text);
      if (!parsed.ok) return { result: 'FAILURE', info: `Bad transfer script ${script}: ${parsed.message}` };
      await abortableSleep(envNumber(env, 'TM_DUMMY_DELAY_MS', 0), ctx.signal);
      if (injector.shouldFail('TRANSFER', id)) return { result: 'FAILURE', info: `Injected failure for transfer ${script}` };
      ctx.log(`dummy transfer of ${script} done: ${parsed.lines.map((l) => `${l.command}/${l.args.length}`).join(' ')}`);
      return { result: 'SUCCESS' };
    },
  },
}));
