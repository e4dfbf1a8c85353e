import { ErrorCode, domainError } from '../../events/domain-error.ts';
import { fail, ok, type Result } from './result.ts';

/**
 * IPv4 addresses as unsigned 32-bit numbers (as the 1.4 `leases.ip` column)
 * and the ranged-network layout of spec §7.2.
 */

// One decimal octet, no sign, no leading zero (so "010" is not read as octal or decimal by accident).
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** Strict dotted-quad parse: exactly four decimal octets 0–255, nothing around them. */
export function parseIpv4(text: string): number | undefined {
  const m = DOTTED_QUAD.exec(text);
  if (!m) return undefined;
  return ((Number(m[1]) * 256 + Number(m[2])) * 256 + Number(m[3])) * 256 + Number(m[4]);
}

export function formatIpv4(ip: number): string {
  return `${(ip >>> 24) & 255}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

export const isIpv4Number = (ip: unknown): ip is number =>
  typeof ip === 'number' && Number.isInteger(ip) && ip >= 0 && ip <= 0xffff_ffff;

/**
 * The largest NETWORK_SIZE accepted: a class A (/8). Larger ranges would need
 * a lease book sized for the whole IPv4 space; 1.4 never bounded it but could
 * not have used it either (one SQL row per lease).
 */
export const MAX_NETWORK_SIZE = 2 ** 24 - 2;

/** §7.2: `size` counts the network and broadcast addresses, so usable = size − 2. */
export interface RangedLayout {
  /** Network address: NETWORK_ADDRESS with the low `maskBits` bits cleared. */
  readonly base: number;
  /** NETWORK_SIZE + 2. */
  readonly size: number;
  readonly maskBits: number;
}

/** ceil(log2(size)) without floating point surprises. */
export function maskBitsFor(size: number): number {
  let bits = 0;
  while (2 ** bits < size) bits++;
  return bits;
}

const badSize = (raw: string) =>
  domainError(ErrorCode.XML_RPC_API, `Invalid NETWORK_SIZE "${raw}": use C, B or a number of hosts`);

/** NETWORK_SIZE as written in the template: C, B, a decimal count, or missing/0 for the oned.conf default. */
export function parseNetworkSize(raw: string | number | undefined, defaultSize: number): Result<number> {
  if (raw === undefined) return ok(defaultSize);
  const text = String(raw).trim();
  if (text === '' || /^0+$/.test(text)) return ok(defaultSize);
  if (/^c$/i.test(text)) return ok(254);
  if (/^b$/i.test(text)) return ok(65534);
  if (!/^\d+$/.test(text)) return fail(badSize(text));
  const hosts = Number(text);
  if (hosts > MAX_NETWORK_SIZE) {
    return fail(domainError(ErrorCode.XML_RPC_API, `NETWORK_SIZE ${text} is too large (at most ${MAX_NETWORK_SIZE} hosts)`));
  }
  return ok(hosts);
}

/** Checks a layout that arrives from outside (a command): size in range, base an aligned IPv4 address. */
export function checkRangedLayout(base: number, size: number): Result<RangedLayout> {
  if (!Number.isInteger(size) || size < 3 || size > MAX_NETWORK_SIZE + 2) {
    return fail(domainError(ErrorCode.XML_RPC_API, `Invalid network size ${size - 2}`));
  }
  if (!isIpv4Number(base)) return fail(domainError(ErrorCode.XML_RPC_API, `Invalid network address ${base}`));
  const maskBits = maskBitsFor(size);
  // Aligned to 2^maskBits ≥ size and maskBits ≤ 24, so the block always ends inside 32 bits.
  if (base % 2 ** maskBits !== 0) {
    return fail(domainError(ErrorCode.XML_RPC_API, `Network address ${formatIpv4(base)} is not aligned to /${32 - maskBits}`));
  }
  return ok({ base, size, maskBits });
}

/**
 * §7.2 layout from the template values NETWORK_ADDRESS and NETWORK_SIZE.
 * `defaultSize` is NETWORK_SIZE from oned.conf.
 */
export function rangedLayout(
  networkAddress: string | undefined,
  networkSize: string | number | undefined,
  defaultSize: number,
): Result<RangedLayout> {
  if (networkAddress === undefined || networkAddress.trim() === '') {
    return fail(domainError(ErrorCode.XML_RPC_API, 'NETWORK_ADDRESS is required for a RANGED network'));
  }
  const address = parseIpv4(networkAddress.trim());
  if (address === undefined) {
    return fail(domainError(ErrorCode.XML_RPC_API, `Invalid NETWORK_ADDRESS "${networkAddress}"`));
  }
  const hosts = parseNetworkSize(networkSize, defaultSize);
  if (!hosts.ok) return hosts;
  if (hosts.value < 1 || hosts.value > MAX_NETWORK_SIZE) return fail(badSize(String(networkSize)));
  const size = hosts.value + 2;
  const block = 2 ** maskBitsFor(size);
  return checkRangedLayout(address - (address % block), size);
}
