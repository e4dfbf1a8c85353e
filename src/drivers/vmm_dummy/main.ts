import { abortableSleep, envNumber } from '../abortable-sleep.ts';
import type { ActionSpec } from '../driver-base.ts';
import { driverMain } from '../driver-main.ts';
import { FailureInjector, failureSettingsFromEnv } from '../dummy/failure-injector.ts';
import { loadDummyVm, pollFigures, type DummyVm } from './poll-figures.ts';

/**
 * one_vmm_dummy: pretends to run VMs. Delays (VMM_DUMMY_DELAY_MS, or
 * VMM_DUMMY_DELAY_<VERB>_MS) and failures (VMM_DUMMY_FAIL_*) come from
 * etc/vmm_dummy/vmm_dummyrc or the environment.
 */
const env = process.env;
const injector = new FailureInjector(failureSettingsFromEnv('VMM_DUMMY', env));
const delayFor = (verb: string) => envNumber(env, `VMM_DUMMY_DELAY_${verb}_MS`, envNumber(env, 'VMM_DUMMY_DELAY_MS', 0));

const simple = (verb: string, arity: [number, number], success: (id: number) => string | Promise<string> = () => ''): ActionSpec => ({
  arity,
  async run(id, _args, ctx) {
    await abortableSleep(delayFor(verb), ctx.signal);
    if (injector.shouldFail(verb, id)) return { result: 'FAILURE', info: `Injected failure for ${verb} of VM ${id}` };
    return { result: 'SUCCESS', info: await success(id) };
  },
});

// POLL figures follow each VM's template (MEMORY, VCPU), read from the JSON
// deployment file oned wrote in its var dir (the wrapper runs us there).
const varDir = env.ONE_VAR || process.cwd();
const vms = new Map<number, DummyVm>();
const poll = async (id: number): Promise<string> => {
  const now = Date.now();
  let vm = vms.get(id);
  if (!vm) vms.set(id, (vm = await loadDummyVm(varDir, id, now)));
  return pollFigures(id, vm, now);
};
const forget = (id: number): string => {
  vms.delete(id);
  return '';
};

await driverMain(() => ({
  DEPLOY: simple('DEPLOY', [3, 3], (id) => (forget(id), `dummy-${id}`)),
  SHUTDOWN: simple('SHUTDOWN', [3, 3], forget),
  CANCEL: simple('CANCEL', [3, 3], forget),
  SAVE: simple('SAVE', [3, 3]),
  RESTORE: simple('RESTORE', [3, 3]),
  MIGRATE: simple('MIGRATE', [3, 3]),
  CHECKPOINT: simple('CHECKPOINT', [3, 3]),
  POLL: simple('POLL', [3, 3], poll),
}));
