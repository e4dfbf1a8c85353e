import { abortableSleep, envNumber } from '../abortable-sleep.ts';
import { driverMain } from '../driver-main.ts';

/**
 * one_im_dummy: answers MONITOR with plausible figures for a host of
 * IM_DUMMY_CPU (percent, 100 per core) and IM_DUMMY_MEMORY (KB); hosts named
 * in IM_DUMMY_FAIL_HOSTS fail.
 */
const env = process.env;
const failHosts = new Set((env.IM_DUMMY_FAIL_HOSTS ?? '').split(/[\s,]+/).filter((h) => h !== ''));

await driverMain(() => ({
  MONITOR: {
    arity: [1, 2], // 2.2+ adds an update_remotes flag
    async run(_id, [host], ctx) {
      await abortableSleep(envNumber(env, 'IM_DUMMY_DELAY_MS', 0), ctx.signal);
      if (failHosts.has(host)) return { result: 'FAILURE', info: `Could not monitor host ${host}.` };
      const totalCpu = envNumber(env, 'IM_DUMMY_CPU', 800);
      const totalMemory = envNumber(env, 'IM_DUMMY_MEMORY', 16 * 1024 * 1024);
      const usedCpu = Math.round(totalCpu * 0.1);
      const usedMemory = Math.round(totalMemory * 0.1);
      const attrs = {
        HYPERVISOR: 'dummy',
        HOSTNAME: host,
        TOTALCPU: totalCpu,
        CPUSPEED: 2400,
        TOTALMEMORY: totalMemory,
        USEDMEMORY: usedMemory,
        FREEMEMORY: totalMemory - usedMemory,
        USEDCPU: usedCpu,
        FREECPU: totalCpu - usedCpu,
        NETTX: 0,
        NETRX: 0,
      };
      return { result: 'SUCCESS', info: Object.entries(attrs).map(([k, v]) => `${k}=${v}`).join(',') };
    },
  },
}));
