import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { XmlRpcClient } from '../../src/rpc/client.ts';
import { sessionOf } from '../../src/rpc/one-auth.ts';
import { freePort } from '../../test/helpers/free-port.ts';
import { dummyConf, makeLocation, REPO, waitFor } from '../../test/helpers/oned-harness.ts';
import { treeRssMb } from './process-tree.ts';
import { rawCallMs } from './raw-call.ts';

/**
 * The whole front-end as `one start` runs it (oned, its drivers and
 * mm_sched, compiled), with dummy drivers: the time from `one start` to the
 * first answered call, its RSS idle, and its RSS with `vms` VMs RUNNING on
 * dummy hosts (placed by mm_sched); then `one.vmpool.info` of those VMs,
 * raw HTTP time until the whole answer is in (p50 of 21).
 */
export async function frontendFigures(vms: number): Promise<Record<string, number>> {
  const port = await freePort();
  const location = makeLocation(dummyConf(port));
  const env = { ...process.env, ONE_LOCATION: location, ONE_AUTH: join(location, 'one_auth'), PRIORITY: '0' };
  const one = (command: string) => spawnSync(join(REPO, 'bin', 'one'), [command], { env, encoding: 'utf8', timeout: 120_000 });
  const client = new XmlRpcClient(`http://127.0.0.1:${port}/RPC2`);
  const session = sessionOf({ user: 'oneadmin', password: 'secret' });
  const ok = async (method: string, ...params: (string | number | boolean)[]) => {
    const [success, value] = (await client.call(method, [session, ...params])) as [boolean, unknown];
    if (!success) throw new Error(`${method}: ${String(value)}`);
    return value;
  };
  try {
    const started = performance.now();
    const r = one('start');
    if (r.status !== 0) throw new Error(`one start failed: ${r.stderr}`);
    await waitFor('the first answer', async () => (await ok('one.system.version').catch(() => undefined)) !== undefined, 60_000);
    const startToFirstAnswerS = (performance.now() - started) / 1000;
    const pids = () => ['oned.pid', 'sched.pid'].map((f) => Number(readFileSync(join(location, 'var', f), 'utf8')));
    await new Promise((res) => setTimeout(res, 3000)); // drivers up, start-up garbage collected
    const idle = treeRssMb(pids());
    // 8 CPUs a dummy host: room for 80 VMs of CPU 0.1 each, with some to spare.
    const hosts = Math.ceil(vms / 60);
    for (let i = 0; i < hosts; i++) await ok('one.host.allocate', `node${i}`, 'im_dummy', 'vmm_dummy', 'tm_dummy');
    for (let i = 0; i < vms; i++) await ok('one.vm.allocate', `NAME=f${i}\nCPU=0.1\nMEMORY=64`);
    await waitFor(`${vms} VMs RUNNING`, async () => {
      const doc = String(await ok('one.vmpool.info', -2, false, 3));
      return (doc.match(/<LCM_STATE>3<\/LCM_STATE>/g) ?? []).length === vms;
    }, 300_000);
    await new Promise((res) => setTimeout(res, 3000));
    // Warm-up: the first call renders every entry, and the JIT needs a few dozen calls to settle.
    await rawCallMs(port, 'one.vmpool.info', [session, -2], 50);
    const pool = await rawCallMs(port, 'one.vmpool.info', [session, -2], 21);
    return {
      [`vmpool_info_${vms}_ms_p50`]: pool.p50,
      one_start_to_first_answer_s: Math.round(startToFirstAnswerS * 100) / 100,
      frontend_rss_mb: idle,
      [`frontend_rss_mb_${vms}_running`]: treeRssMb(pids()),
    };
  } finally {
    client.close();
    one('stop');
    rmSync(location, { recursive: true, force: true });
  }
}
