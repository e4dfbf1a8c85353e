import { Oned, allEvents, dummyConf, makeLocation, runCli } from './oned-harness.ts';
import type { PgCluster } from './pg-cluster.ts';

export interface FailoverReport {
  readonly acknowledged: number;
  /** Acknowledged VMs missing (or with another name) on the last leader. */
  readonly acknowledgedLost: number;
  /** Ids acknowledged twice. */
  readonly idsReused: number;
  /** VMs with more than one VmDeployed (or VmBooted) event. */
  readonly deployedTwice: number;
  readonly chainVerified: boolean;
  /** Seconds from each SIGKILL to the first write the other front-end accepted. */
  readonly takeoversS: readonly number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Failover under churn: two front-ends on `database`, one client allocating
 * and deploying VMs as fast as it can against whichever front-end leads,
 * recording every acknowledged allocation. `cycles` times: SIGKILL the
 * leader after a while of churn, time the takeover (until the standby
 * accepts a write), and bring the killed one back as a standby. Then every
 * acknowledged VM must be on the last leader, with no id reused, no VM
 * deployed twice, and a chain that verifies.
 */
export async function failoverUnderChurn(cluster: PgCluster, database: string, cycles: number, log: (line: string) => void = () => {}): Promise<FailoverReport> {
  const conf = dummyConf(0, cluster.dbConf(database));
  const fronts: Oned[] = [await Oned.start({ location: makeLocation(conf) })];
  fronts.push(await Oned.start({ location: makeLocation(conf) }));
  let leader = 0;
  const acked = new Map<number, string>();
  let reused = 0;
  let n = 0;
  const hid = (await fronts[0]!.ok('one.host.allocate', 'node0', 'im_dummy', 'vmm_dummy', 'tm_dummy')) as number;

  /** One churn step against the current leader: allocate, then deploy. A refusal or a dead front-end is not acknowledged. */
  const step = async (): Promise<boolean> => {
    const one = fronts[leader]!;
    const name = `vm-${n++}`;
    const [ok, vid] = await one.call('one.vm.allocate', `NAME = "${name}"\nCPU = 0.01\nMEMORY = 8`).catch(() => [false, 0] as const);
    if (!ok) return false;
    if (acked.has(vid as number)) reused++;
    acked.set(vid as number, name);
    await one.call('one.vm.deploy', vid, hid).catch(() => undefined);
    return true;
  };

  const takeovers: number[] = [];
  try {
    for (let cycle = 0; cycle < cycles; cycle++) {
      const until = Date.now() + 700 + Math.random() * 800;
      while (Date.now() < until) await step();
      const victim = leader;
      await fronts[victim]!.crash();
      const killedAt = Date.now();
      leader = 1 - victim;
      while (!(await step())) {
        if (Date.now() - killedAt > 30_000) throw new Error(`no takeover within 30 s (cycle ${cycle})`);
        await sleep(20);
      }
      takeovers.push((Date.now() - killedAt) / 1000);
      log(`cycle ${cycle}: takeover in ${takeovers.at(-1)} s, ${acked.size} VMs acknowledged`);
      fronts[victim] = await Oned.start({ location: fronts[victim]!.location });
    }
    const last = fronts[leader]!;
    let lost = 0;
    for (const [vid, name] of acked) {
      const [ok, xml] = await last.call('one.vm.info', vid);
      if (!ok || !String(xml).includes(`<NAME>${name}</NAME>`)) lost++;
    }
    const deploys = new Map<string, number>();
    for (const e of await allEvents(last)) {
      if (e.event.type === 'VmDeployed' || e.event.type === 'VmBooted') deploys.set(`${e.stream} ${e.event.type}`, (deploys.get(`${e.stream} ${e.event.type}`) ?? 0) + 1);
    }
    const verify = await runCli(last, 'oneaudit', ['verify']);
    return {
      acknowledged: acked.size,
      acknowledgedLost: lost,
      idsReused: reused,
      deployedTwice: [...deploys.values()].filter((count) => count > 1).length,
      chainVerified: verify.code === 0,
      takeoversS: takeovers,
    };
  } finally {
    for (const one of fronts) {
      await one.stop();
      one.remove();
    }
  }
}
