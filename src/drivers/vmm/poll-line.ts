/** The POLL figures of spec §4.4; a figure the hypervisor did not give is left out (oned keeps the old value). */
export interface PollFigures {
  /** a running, p paused, e error, d gone, - unknown */
  readonly state: 'a' | 'p' | 'e' | 'd' | '-';
  /** KB */
  readonly usedMemory?: number | bigint;
  /** % of one CPU */
  readonly usedCpu?: number;
  /** bytes */
  readonly netTx?: number | bigint;
  readonly netRx?: number | bigint;
}

/** `USEDMEMORY=… USEDCPU=… NETTX=… NETRX=… STATE=…`, the INFO of a POLL SUCCESS. */
export function pollLine(f: PollFigures): string {
  const parts: string[] = [];
  if (f.usedMemory !== undefined) parts.push(`USEDMEMORY=${f.usedMemory}`);
  if (f.usedCpu !== undefined) parts.push(`USEDCPU=${f.usedCpu}`);
  if (f.netTx !== undefined) parts.push(`NETTX=${f.netTx}`);
  if (f.netRx !== undefined) parts.push(`NETRX=${f.netRx}`);
  parts.push(`STATE=${f.state}`);
  return parts.join(' ');
}
