/**
 * POLL figures (spec §4.4) from `virsh domstats` output, which prints one
 * `Domain: 'name'` line and then `  key=value` lines: state.state,
 * cpu.time (ns), balloon.current (KiB), net.<i>.rx.bytes / tx.bytes.
 */

/** One `domstats` sample and the host clock (`date +%s%N`) printed just before it. */
export interface DomainSample {
  readonly stats: ReadonlyMap<string, string>;
  readonly wallNs: bigint | undefined;
}

export function parseDomstats(text: string): Map<string, string> {
  const stats = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([\w.]+)=(.*)$/.exec(line);
    if (m) stats.set(m[1], m[2].trim());
  }
  return stats;
}

/**
 * libvirt's virDomainState → the letter of §4.4, as 1.4's KVM driver mapped
 * dominfo's words: running, blocked, shutdown (on its way down) → a;
 * paused, pmsuspended → p; crashed → e; shut off → d (a transient domain is
 * then gone); nostate → `-` (oned ignores it).
 */
const STATE_LETTER: Readonly<Record<string, string>> = { '0': '-', '1': 'a', '2': 'a', '3': 'p', '4': 'a', '5': 'd', '6': 'e', '7': 'p' };

/** CPU % between two samples of one domain (100 = one CPU busy); undefined when they cannot be compared. */
export function cpuPercent(before: DomainSample, after: DomainSample): number | undefined {
  const c0 = toBig(before.stats.get('cpu.time'));
  const c1 = toBig(after.stats.get('cpu.time'));
  if (c0 === undefined || c1 === undefined || before.wallNs === undefined || after.wallNs === undefined) return undefined;
  const wall = after.wallNs - before.wallNs;
  if (wall <= 0n || c1 < c0) return undefined; // a new qemu process (restore, migration): counters restarted
  return Math.round(Number(((c1 - c0) * 10_000n) / wall) / 100);
}

/** `STATE=… USEDMEMORY=… USEDCPU=… NETRX=… NETTX=…`; figures libvirt did not give are left out. */
export function pollInfo(stats: ReadonlyMap<string, string>, usedCpu: number | undefined): string {
  const out = [`STATE=${STATE_LETTER[stats.get('state.state') ?? ''] ?? '-'}`];
  const memory = toBig(stats.get('balloon.current'));
  if (memory !== undefined) out.push(`USEDMEMORY=${memory}`);
  if (usedCpu !== undefined) out.push(`USEDCPU=${usedCpu}`);
  const nets = Number(stats.get('net.count') ?? 'NaN');
  if (Number.isInteger(nets) && nets >= 0) {
    let rx = 0n;
    let tx = 0n;
    for (let i = 0; i < nets; i++) {
      rx += toBig(stats.get(`net.${i}.rx.bytes`)) ?? 0n;
      tx += toBig(stats.get(`net.${i}.tx.bytes`)) ?? 0n;
    }
    out.push(`NETRX=${rx}`, `NETTX=${tx}`);
  }
  return out.join(' ');
}

function toBig(value: string | undefined): bigint | undefined {
  return value !== undefined && /^\d{1,30}$/.test(value) ? BigInt(value) : undefined;
}
