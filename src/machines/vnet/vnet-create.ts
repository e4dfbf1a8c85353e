import { ErrorCode, domainError } from '../../events/domain-error.ts';
import { VnetType, type VnetCreated } from '../../events/vnet-events.ts';
import { checkRangedLayout, parseIpv4 } from './ip.ts';
import { macFromIp, parseMac } from './mac.ts';
import { fail, ok, type Result } from './result.ts';
import type { CreateVnet } from './vnet-commands.ts';

const badParam = (message: string) => fail<VnetCreated>(domainError(ErrorCode.XML_RPC_API, message));
const isId = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** Checks a CreateVnet command completely and turns it into the event; nothing half-valid gets through. */
export function decideCreate(c: CreateVnet): Result<VnetCreated> {
  if (!isId(c.nid)) return badParam(`Invalid network id ${String(c.nid)}`);
  if (!isId(c.uid)) return badParam(`Invalid owner ${String(c.uid)}`);
  if (typeof c.name !== 'string' || c.name.trim() === '') return badParam('Virtual network NAME is required');
  if (typeof c.bridge !== 'string') return badParam('Invalid BRIDGE');
  if (typeof c.public !== 'boolean') return badParam('Invalid PUBLIC flag');
  if (!Number.isInteger(c.macPrefix) || c.macPrefix < 0 || c.macPrefix > 0xffff) {
    return badParam(`Invalid MAC prefix ${String(c.macPrefix)}`);
  }
  const base = {
    type: 'VnetCreated' as const,
    nid: c.nid,
    uid: c.uid,
    name: c.name,
    bridge: c.bridge,
    public: c.public,
    template: c.template,
    macPrefix: c.macPrefix,
  };
  if (c.netType === VnetType.RANGED) {
    if (!c.range) return badParam('NETWORK_ADDRESS is required for a RANGED network');
    const layout = checkRangedLayout(c.range.base, c.range.size);
    if (!layout.ok) return layout;
    return ok({ ...base, netType: VnetType.RANGED, range: { base: layout.value.base, size: layout.value.size } });
  }
  if (c.netType !== VnetType.FIXED) return badParam(`Invalid network type ${String(c.netType)}`);
  const leases: { ip: number; mac: string }[] = [];
  const seen = new Set<number>();
  for (const lease of c.fixedLeases ?? []) {
    const ip = typeof lease.ip === 'string' ? parseIpv4(lease.ip.trim()) : undefined;
    if (ip === undefined) return badParam(`Invalid IP "${String(lease.ip)}" in LEASES of network ${c.name}`);
    if (seen.has(ip)) return badParam(`Duplicate lease ${lease.ip} in network ${c.name}`);
    seen.add(ip);
    let mac = macFromIp(c.macPrefix, ip);
    if (lease.mac !== undefined && lease.mac.trim() !== '') {
      const parsed = parseMac(lease.mac);
      if (parsed === undefined) return badParam(`Invalid MAC "${lease.mac}" for lease ${lease.ip} in network ${c.name}`);
      mac = parsed;
    }
    leases.push({ ip, mac });
  }
  leases.sort((a, b) => a.ip - b.ip);
  return ok({ ...base, netType: VnetType.FIXED, fixedLeases: leases });
}
