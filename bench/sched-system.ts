/**
 * The end-to-end parts of bench/sched: a real oned with dummy drivers and a
 * real mm_sched process (started as `one start` would), driven over XML-RPC
 * by one sequential client, as OpenNebula's figures were measured.
 *
 * - `burst`: from the first `one.vm.allocate` until every VM is RUNNING
 *   (its VmBooted event is committed), CPU = 0.1 and MEMORY = 64 each.
 *   mm_sched runs with the shipped etc/sched.conf (MAX_VM 300,
 *   MAX_DISPATCH 30, MAX_HOST 1): its passes follow each other at once while
 *   VMs wait, so the per-pass limits cost little.
 * - `latency`: on an idle system with 5 hosts, one VM at a time, the time
 *   from sending `one.vm.allocate` to its VmDeployed event in the log.
 */
import { makeLocation, Oned, waitFor } from '../test/helpers/oned-harness.ts';
import { Scheduler } from '../test/helpers/sched-harness.ts';
import { dummyOnedConf } from './lib/dummy-oned-conf.ts';
import { percentile } from './lib/report.ts';

const say = (line: string) => process.stderr.write(`[sched bench] ${line}\n`);

interface Cluster {
  readonly one: Oned;
  readonly sched: Scheduler;
  stop(): Promise<void>;
}

/** oned with `hostCount` monitored dummy hosts, and mm_sched following it. */
async function startCluster(hostCount: number): Promise<Cluster> {
  const one = await Oned.start({ location: makeLocation(dummyOnedConf(hostCount, 10)) });
  let next = 0;
  const worker = async () => {
    while (next < hostCount) {
      const i = next++;
      await one.ok('one.host.allocate', `host-${String(i).padStart(5, '0')}`, 'im_dummy', 'vmm_dummy', 'tm_dummy');
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  await waitFor('every host monitored', async () => {
    const doc = String(await one.ok('one.hostpool.info'));
    return (doc.match(/<STATE>2<\/STATE>/g) ?? []).length === hostCount;
  }, 120_000);
  const sched = await Scheduler.start(one);
  return {
    one,
    sched,
    async stop() {
      await sched.stop();
      await one.stop();
      one.remove();
    },
  };
}

/** Follows the committed log from now on, waking `waiters` as events of a type arrive. */
class EventWatch {
  private after = 0;
  private stopped = false;
  private readonly done: Promise<void>;
  /** First time (performance.now) each stream got each watched event type. */
  readonly seen = new Map<string, number>();

  constructor(private readonly one: Oned, private readonly types: ReadonlySet<string>, from: number) {
    this.after = from;
    this.done = this.loop();
  }

  static async start(one: Oned, types: readonly string[]): Promise<EventWatch> {
    return new EventWatch(one, new Set(types), (await one.ok('one.event.tip')) as number);
  }

  count(type: string): number {
    let n = 0;
    for (const key of this.seen.keys()) if (key.endsWith(`/${type}`)) n++;
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const events = JSON.parse(String(await this.one.ok('one.event.poll', this.after, 10_000, 200))) as { seq: number; stream: string; event: { type: string } }[];
      const now = performance.now();
      for (const e of events) {
        if (this.types.has(e.event.type)) {
          const key = `${e.stream}/${e.event.type}`;
          if (!this.seen.has(key)) this.seen.set(key, now);
        }
      }
      if (events.length > 0) this.after = events[events.length - 1]!.seq;
    }
  }
}

/** Seconds from the first allocate until all `vmCount` VMs are RUNNING on `hostCount` hosts. */
export async function burstToRunning(hostCount: number, vmCount: number): Promise<number> {
  const cluster = await startCluster(hostCount);
  try {
    const watch = await EventWatch.start(cluster.one, ['VmBooted']);
    say(`burst: ${hostCount} hosts monitored; allocating ${vmCount} VMs`);
    const start = performance.now();
    for (let i = 0; i < vmCount; i++) await cluster.one.ok('one.vm.allocate', `NAME=b${i}\nCPU=0.1\nMEMORY=64`);
    say(`burst: allocated in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    await waitFor(`${vmCount} VMs RUNNING`, () => watch.count('VmBooted') >= vmCount, 600_000);
    const seconds = (Math.max(...watch.seen.values()) - start) / 1000;
    await watch.stop();
    return Math.round(seconds * 100) / 100;
  } finally {
    await cluster.stop();
  }
}

/** Allocate-to-deploy latency on an idle system, one VM at a time. */
export async function idleAllocToDeploy(samples: number): Promise<{ p50: number; p99: number }> {
  const cluster = await startCluster(5);
  try {
    const watch = await EventWatch.start(cluster.one, ['VmDeployed']);
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const start = performance.now();
      const id = (await cluster.one.ok('one.vm.allocate', `NAME=l${i}\nCPU=0.1\nMEMORY=64`)) as number;
      const key = `vm/${id}/VmDeployed`;
      await waitFor(`VM ${id} deployed`, () => watch.seen.has(key), 30_000);
      latencies.push(watch.seen.get(key)! - start);
      await new Promise((r) => setTimeout(r, 50));
    }
    await watch.stop();
    const round1 = (n: number) => Math.round(n * 10) / 10;
    return { p50: round1(percentile(latencies, 50)), p99: round1(percentile(latencies, 99)) };
  } finally {
    await cluster.stop();
  }
}
