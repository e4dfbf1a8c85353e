import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What the dummy VMM knows of a VM it "runs": its size and since when. */
export interface DummyVm {
  readonly memoryMb: number;
  readonly vcpu: number;
  /** Epoch ms of the deploy (the deployment file's mtime). */
  readonly startedMs: number;
}

/** A VM the driver has no deployment file for (deployed by hand, or the file is gone). */
export const UNKNOWN_SIZE = { memoryMb: 64, vcpu: 1 } as const;

const positive = (text: string | undefined): number | undefined => {
  const n = Number(text);
  return text !== undefined && text.trim() !== '' && Number.isFinite(n) && n > 0 ? n : undefined;
};

/**
 * MEMORY (MB) and VCPU from the JSON deployment file oned writes for the
 * dummy driver (the VM template: `{"attributes":[{"name","value"}|{"name","pairs"}]}`).
 * VCPU falls back to CPU rounded up, then to 1, as a hypervisor would.
 */
export function sizeFromDeployment(json: string): { memoryMb: number; vcpu: number } {
  let attributes: unknown;
  try {
    attributes = (JSON.parse(json) as { attributes?: unknown }).attributes;
  } catch {
    return UNKNOWN_SIZE;
  }
  const value = (name: string): string | undefined => {
    if (!Array.isArray(attributes)) return undefined;
    const found = attributes.find((a) => a && typeof a === 'object' && a.name === name && typeof a.value === 'string');
    return found?.value as string | undefined;
  };
  const cpu = positive(value('CPU'));
  return {
    memoryMb: positive(value('MEMORY')) ?? UNKNOWN_SIZE.memoryMb,
    vcpu: Math.floor(positive(value('VCPU')) ?? Math.ceil(cpu ?? 1)),
  };
}

/**
 * Reads `<varDir>/<vid>/deployment.<seq>` with the highest seq (the last
 * deploy), so that the figures survive a driver restart or a migration.
 */
export async function loadDummyVm(varDir: string, vid: number, nowMs: number): Promise<DummyVm> {
  const dir = join(varDir, String(vid));
  try {
    const seqs = (await readdir(dir)).flatMap((f) => (/^deployment\.\d+$/.test(f) ? [Number(f.slice(11))] : []));
    if (seqs.length === 0) return { ...UNKNOWN_SIZE, startedMs: nowMs };
    const file = join(dir, `deployment.${Math.max(...seqs)}`);
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { ...sizeFromDeployment(text), startedMs: Math.min(info.mtimeMs, nowMs) };
  } catch {
    return { ...UNKNOWN_SIZE, startedMs: nowMs };
  }
}

/** Bytes per second the dummy guest sends and receives: a quiet server. */
const TX_RATE = 1_200;
const RX_RATE = 3_000;

/**
 * The POLL line: memory a stable 60–90 % of MEMORY (in KB, as 1.4 reports it),
 * CPU a few percent per VCPU that moves between polls (never above
 * VCPU×100), and network counters that grow from zero at the deploy.
 */
export function pollFigures(vid: number, vm: DummyVm, nowMs: number): string {
  const usedMemory = Math.round(vm.memoryMb * 1024 * (0.6 + (vid % 4) * 0.1));
  const tick = Math.floor(nowMs / 1000);
  const usedCpu = vm.vcpu * (2 + ((vid * 7 + tick) % 18));
  const up = Math.max(0, Math.floor((nowMs - vm.startedMs) / 1000));
  return `STATE=a USEDMEMORY=${usedMemory} USEDCPU=${usedCpu} NETTX=${up * TX_RATE} NETRX=${up * RX_RATE}`;
}
