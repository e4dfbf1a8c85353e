/**
 * Lease allocation on a nearly full /16, lease book memory, snapshot size.
 *   node --import tsx bench/vnet.ts [--small]
 * Human-readable lines go to stderr; the last stdout line is the JSON report.
 *
 * Allocation = decide(TakeLeases) + evolve(LeasesTaken), exactly what the
 * actor does per VM NIC (no log I/O: that is the eventlog bench).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { VnetEvent } from '../src/events/vnet-events.ts';
import { vnetDecider } from '../src/machines/vnet/vnet-decider.ts';
import { reviveVnetState, type VnetState, type VnetStreamState } from '../src/machines/vnet/vnet-state.ts';
import type { VnetCommand } from '../src/machines/vnet/vnet-commands.ts';
import { seededRandom } from '../test/helpers/seeded-random.ts';
import { isSmallRun, perSecond, printReport } from './lib/report.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const small = isSmallRun();
/** NETWORK_SIZE: a /16 (B) for the real run, a /20 for the smoke run. */
const hosts = small ? 4094 : 65534;
const fillRatio = 0.9;
const allocations = small ? 2_000 : 200_000;
const batch = small ? 100 : 1_000;

function apply(state: VnetStreamState, command: VnetCommand): VnetState {
  const d = vnetDecider.decide(state, command);
  if (!d.ok) throw new Error(d.error.message);
  return d.events.reduce(vnetDecider.evolve, state) as VnetState;
}

/** The memory figures always use a full /16, even with --small: it takes well under a second. */
const memoryHosts = 65534;

function createNetwork(networkHosts = hosts): VnetState {
  const size = networkHosts + 2;
  return apply(null, {
    type: 'CreateVnet', nid: 0, uid: 0, name: 'bench', netType: 0, bridge: 'br0', public: false,
    template: {}, macPrefix: 0x0203, range: { base: 10 << 24, size },
  });
}

/** 90 % of the addresses taken at random places, one VM each; returns the VMs holding leases. */
function fillRandomly(net: VnetState, rand: () => number): { net: VnetState; holders: number[]; nextVid: number } {
  const slots = Array.from({ length: hosts }, (_, i) => i);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }
  const target = Math.floor(hosts * fillRatio);
  const holders: number[] = [];
  for (let vid = 0; vid < target; vid++) {
    net = apply(net, { type: 'TakeLeases', vid, requests: [{ ip: net.leases.ipAt(slots[vid]) }] });
    holders.push(vid);
  }
  return { net, holders, nextVid: target };
}

/** Timed: `batch` automatic allocations; untimed: as many random releases, so the fill stays near 90 %. */
function measureAllocations(): { perS: number; fillAtEnd: number } {
  const rand = seededRandom(42);
  let { net, holders, nextVid } = fillRandomly(createNetwork(), rand);
  let elapsed = 0;
  for (let done = 0; done < allocations; done += batch) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) {
      const vid = nextVid++;
      net = apply(net, { type: 'TakeLeases', vid, requests: [{}] });
      holders.push(vid);
    }
    elapsed += performance.now() - start;
    for (let i = 0; i < batch; i++) {
      const k = Math.floor(rand() * holders.length);
      const vid = holders[k];
      holders[k] = holders[holders.length - 1];
      holders.pop();
      net = apply(net, { type: 'ReleaseLeases', vid });
    }
  }
  return { perS: perSecond(allocations, elapsed), fillAtEnd: net.leases.usedCount / hosts };
}

/**
 * Worst case for a scan from the cursor: the free 10 % lie just behind it, so
 * each search must get past 90 % of the network. Decide only (the state does not move).
 */
function measureWorstCaseDecisions(): number {
  let net = createNetwork();
  for (let vid = 0; vid < hosts; vid++) net = apply(net, { type: 'TakeLeases', vid, requests: [{}] });
  const freeFrom = Math.floor(hosts * fillRatio);
  for (let vid = freeFrom; vid < hosts; vid++) net = apply(net, { type: 'ReleaseLeases', vid });
  if (net.leases.cursor !== 0) throw new Error('expected the cursor to have wrapped to 0');
  const runs = small ? 2_000 : 200_000;
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const d = vnetDecider.decide(net, { type: 'TakeLeases', vid: hosts + i, requests: [{}] });
    if (!d.ok || (d.events[0] as Extract<VnetEvent, { type: 'LeasesTaken' }>).leases.length !== 1) throw new Error('no lease');
  }
  return perSecond(runs, performance.now() - start);
}

const heapBytes = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Memory of a network whose every address is used, each by a different VM. */
function measureMemory() {
  const before = heapBytes();
  let net = createNetwork(memoryHosts);
  for (let vid = 0; vid < memoryHosts; vid++) net = apply(net, { type: 'TakeLeases', vid: 1000 + vid, requests: [{}] });
  const heapDiff = heapBytes() - before;
  const orderedJson = JSON.stringify(net.leases).length;
  // Snapshot of the same book after a random release/re-take churn (vids no longer in slot order).
  const rand = seededRandom(7);
  for (let i = 0; i < memoryHosts; i++) {
    const vid = net.leases.ownerOf(Math.floor(rand() * memoryHosts));
    net = apply(net, { type: 'ReleaseLeases', vid });
    net = apply(net, { type: 'TakeLeases', vid: 900_000 + i, requests: [{}] });
  }
  const json = JSON.stringify(net);
  const revived = reviveVnetState(JSON.parse(json))!;
  if (JSON.stringify(revived) !== json) throw new Error('snapshot round trip differs');
  return {
    heapDiff,
    typedArrayBytes: net.leases.bytes,
    orderedJson,
    churnedJson: JSON.stringify(net.leases).length,
  };
}

function measureReplay(): number {
  const log: VnetEvent[] = [];
  let net: VnetStreamState = null;
  const record = (c: VnetCommand) => {
    const d = vnetDecider.decide(net, c);
    if (!d.ok) throw new Error(d.error.message);
    log.push(...d.events);
    net = d.events.reduce(vnetDecider.evolve, net);
  };
  record({ type: 'CreateVnet', nid: 0, uid: 0, name: 'r', netType: 0, bridge: 'br0', public: false, template: {}, macPrefix: 3, range: { base: 10 << 24, size: hosts + 2 } });
  for (let vid = 0; vid < hosts; vid++) record({ type: 'TakeLeases', vid, requests: [{}] });
  for (let vid = 0; vid < hosts; vid += 2) record({ type: 'ReleaseLeases', vid });
  const start = performance.now();
  const replayed = log.reduce<VnetStreamState>(vnetDecider.evolve, null)!;
  const elapsed = performance.now() - start;
  if (replayed.leases.usedCount !== (net as VnetState | null)!.leases.usedCount) throw new Error('replay differs');
  return perSecond(log.length, elapsed);
}

const memory = measureMemory();
const alloc = measureAllocations();
const worst = measureWorstCaseDecisions();
const replay = measureReplay();
process.stderr.write(
  `allocations on a ${Math.round(fillRatio * 100)} % full /${32 - Math.ceil(Math.log2(hosts + 2))}: ${alloc.perS}/s ` +
    `(fill at end ${(alloc.fillAtEnd * 100).toFixed(1)} %)\n` +
    `worst-case decisions (free block behind the cursor): ${worst}/s\n` +
    `lease book for ${memoryHosts} used leases: heap+arrayBuffers diff ${memory.heapDiff} B, typed arrays ${memory.typedArrayBytes} B, ` +
    `snapshot JSON ${memory.orderedJson} B in order / ${memory.churnedJson} B after churn\n` +
    `replay: ${replay} events/s\n`,
);

printReport(
  'vnet',
  { network_size: hosts, fill_ratio: fillRatio, allocations, batch, memory_network_size: memoryHosts },
  {
    lease_allocations_per_s_90pct_full: alloc.perS,
    lease_decisions_per_s_90pct_full_worst_case: worst,
    // heapUsed + arrayBuffers after GC, before and after building the book
    lease_book_bytes_65534: memory.heapDiff,
    lease_book_typed_array_bytes_65534: memory.typedArrayBytes,
    lease_book_snapshot_json_bytes_65534_ordered: memory.orderedJson,
    lease_book_snapshot_json_bytes_65534_churned: memory.churnedJson,
    lease_replay_events_per_s: replay,
  },
);
