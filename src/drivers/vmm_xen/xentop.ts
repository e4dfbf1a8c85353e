import type { PollFigures } from '../vmm/poll-line.ts';

/**
 * POLL figures for one domain from `xentop -b -i 2` (batch mode, two
 * samples; spec §4.4.2). Each sample starts with the `NAME  STATE …` header;
 * only the last one counts, since the first sample's CPU % is always 0. The
 * columns are NAME STATE CPU(sec) CPU(%) MEM(k) MEM(%) MAXMEM(k) MAXMEM(%)
 * VCPUS NETS NETTX(k) NETRX(k) …, where MAXMEM may read `no limit` (two
 * words). A domain being migrated away is listed as `migrating-<name>`.
 * No line for the domain means it is gone: STATE=d.
 */
export function xentopFigures(output: string, domain: string): PollFigures {
  const lines = output.split('\n');
  let header = -1;
  lines.forEach((line, i) => {
    if (/^\s*NAME\s+STATE\s/.test(line)) header = i;
  });
  const rows = header < 0 ? [] : lines.slice(header + 1);
  const fields = rows
    .map((line) => line.replace(/no limit/g, 'no-limit').trim().split(/\s+/))
    .filter((f) => f[0] === domain || f[0] === `migrating-${domain}`)
    .pop();
  if (!fields) return { state: 'd' };
  const number = (text: string | undefined) => (text !== undefined && /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined);
  const kb = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? BigInt(text) : undefined);
  const net = (text: string | undefined) => {
    const k = kb(text);
    return k === undefined ? undefined : k * 1024n; // xentop counts KB; §4.4 wants bytes
  };
  return {
    state: stateLetter(fields[1] ?? ''),
    usedCpu: number(fields[3]),
    usedMemory: kb(fields[4]),
    netTx: net(fields[10]),
    netRx: net(fields[11]),
  };
}

/**
 * xentop's six flag columns (`r` running, `b` blocked, `p` paused,
 * `s` shut down, `c` crashed, `d` dying; `-` unset) → §4.4's letter, as 1.4:
 * r/b/s/d → a, p → p, c → e. Crashed and paused win over the others.
 */
export function stateLetter(flags: string): PollFigures['state'] {
  if (flags.includes('c')) return 'e';
  if (flags.includes('p')) return 'p';
  if (/[rbsd]/.test(flags)) return 'a';
  return '-';
}
