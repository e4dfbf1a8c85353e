import { abortableSleep, envNumber } from '../abortable-sleep.ts';
import { driverMain } from '../driver-main.ts';
import { FailureInjector, failureSettingsFromEnv } from '../dummy/failure-injector.ts';

/** one_tm_dummy: every TRANSFER succeeds after TM_DUMMY_DELAY_MS, unless TM_DUMMY_FAIL_* says otherwise. */
const env = process.env;
const injector = new FailureInjector(failureSettingsFromEnv('TM_DUMMY', env));

await driverMain(() => ({
  TRANSFER: {
    arity: [1, 1],
    async run(id, [script], ctx) {
      await abortableSleep(envNumber(env, 'TM_DUMMY_DELAY_MS', 0), ctx.signal);
      if (injector.shouldFail('TRANSFER', id)) return { result: 'FAILURE', info: `Injected failure for transfer ${script}` };
      ctx.log(`dummy transfer of ${script} done`);
      return { result: 'SUCCESS' };
    },
  },
}));
