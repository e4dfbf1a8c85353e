import { abortableSleep, envNumber } from '../abortable-sleep.ts';
import type { ActionSpec } from '../driver-base.ts';
import { driverMain } from '../driver-main.ts';
import { FailureInjector, failureSettingsFromEnv } from '../dummy/failure-injector.ts';

/**
 * one_vmm_dummy: pretends to run VMs. Delays (VMM_DUMMY_DELAY_MS, or
 * VMM_DUMMY_DELAY_<VERB>_MS) and failures (VMM_DUMMY_FAIL_*) come from
 * etc/vmm_dummy/vmm_dummyrc or the environment.
 */
const env = process.env;
const injector = new FailureInjector(failureSettingsFromEnv('VMM_DUMMY', env));
const delayFor = (verb: string) => envNumber(env, `VMM_DUMMY_DELAY_${verb}_MS`, envNumber(env, 'VMM_DUMMY_DELAY_MS', 0));

const simple = (verb: string, arity: [number, number], success: (id: number) => string = () => ''): ActionSpec => ({
  arity,
  async run(id, _args, ctx) {
    await abortableSleep(delayFor(verb), ctx.signal);
    if (injector.shouldFail(verb, id)) return { result: 'FAILURE', info: `Injected failure for ${verb} of VM ${id}` };
    return { result: 'SUCCESS', info: success(id) };
  },
});

// Plausible, stable figures that change a little between polls.
const poll = (id: number): string => {
  const tick = Math.floor(Date.now() / 1000);
  return `STATE=a USEDMEMORY=${262144 + (id % 8) * 65536} USEDCPU=${(id * 7 + tick) % 100} NETTX=${tick * 10} NETRX=${tick * 20}`;
};

await driverMain(() => ({
  DEPLOY: simple('DEPLOY', [3, 3], (id) => `dummy-${id}`),
  SHUTDOWN: simple('SHUTDOWN', [3, 3]),
  CANCEL: simple('CANCEL', [3, 3]),
  SAVE: simple('SAVE', [3, 3]),
  RESTORE: simple('RESTORE', [3, 3]),
  MIGRATE: simple('MIGRATE', [3, 3]),
  CHECKPOINT: simple('CHECKPOINT', [3, 3]),
  POLL: simple('POLL', [3, 3], poll),
}));
