import { CliError } from './cli-error.ts';
import type { OneClient } from './one-client.ts';
import { parseOneXml, poolEntries, xmlText, type XmlObject } from './one-xml.ts';
import { expandRanges } from './ranges.ts';

export type PoolKind = 'vm' | 'host' | 'vnet' | 'user';

interface PoolCall {
  readonly method: string;
  readonly params: number[];
  readonly pool: string;
  readonly entry: string;
  readonly label: string;
}

export const POOLS: Record<PoolKind, PoolCall> = {
  vm: { method: 'one.vmpool.info', params: [-2], pool: 'VM_POOL', entry: 'VM', label: 'VM' },
  host: { method: 'one.hostpool.info', params: [], pool: 'HOST_POOL', entry: 'HOST', label: 'host' },
  vnet: { method: 'one.vnpool.info', params: [-2], pool: 'VNET_POOL', entry: 'VNET', label: 'virtual network' },
  user: { method: 'one.userpool.info', params: [], pool: 'USER_POOL', entry: 'USER', label: 'user' },
};

export async function fetchPool(client: OneClient, kind: PoolKind): Promise<XmlObject[]> {
  const p = POOLS[kind];
  const xml = await client.callString(p.method, ...p.params);
  return poolEntries(parseOneXml(xml), p.pool, p.entry);
}

/**
 * Turns the id arguments of a command into ids: ranges are expanded first,
 * numbers are ids, anything else is a NAME looked up in the pool (fetched
 * once, and only if a name is present).
 */
export async function resolveIds(client: OneClient, kind: PoolKind, args: readonly string[]): Promise<number[]> {
  const expanded = expandRanges(args);
  let pool: XmlObject[] | undefined;
  const ids: number[] = [];
  for (const arg of expanded) {
    if (/^\d+$/.test(arg)) {
      ids.push(Number(arg));
      continue;
    }
    pool ??= await fetchPool(client, kind);
    const matches = pool.filter((e) => xmlText(e, 'NAME') === arg);
    const label = POOLS[kind].label;
    if (matches.length === 0) throw new CliError(`${label} named "${arg}" not found`);
    if (matches.length > 1) {
      const found = matches.map((m) => xmlText(m, 'ID')).join(', ');
      throw new CliError(`there are several ${label}s named "${arg}" (ids ${found}); use an id`);
    }
    ids.push(Number(xmlText(matches[0], 'ID')));
  }
  return ids;
}

export async function resolveOne(client: OneClient, kind: PoolKind, arg: string): Promise<number> {
  const ids = await resolveIds(client, kind, [arg]);
  if (ids.length !== 1) throw new CliError(`"${arg}" must name exactly one ${POOLS[kind].label}`);
  return ids[0];
}
