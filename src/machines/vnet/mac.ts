import { ErrorCode, domainError } from '../../events/domain-error.ts';
import { fail, ok, type Result } from './result.ts';

/** §7.3: a lease's MAC is the 16-bit MAC_PREFIX followed by the 4 octets of its IPv4 address. */

const HEX_OCTET = '[0-9a-fA-F]{2}';
const PREFIX = new RegExp(`^(${HEX_OCTET}):(${HEX_OCTET})$`);
const FULL_MAC = new RegExp(`^${HEX_OCTET}(:${HEX_OCTET}){5}$`);

/**
 * Strict "XX:YY" parse. 1.4 logged a malformed prefix and fell back to
 * 00:01; here it is an error the config layer turns into a start-up failure.
 */
export function parseMacPrefix(text: string): Result<number> {
  const m = PREFIX.exec(text.trim());
  if (!m) return fail(domainError(ErrorCode.XML_RPC_API, `Invalid MAC_PREFIX "${text}": expected two hex octets like 00:03`));
  return ok(parseInt(m[1], 16) * 256 + parseInt(m[2], 16));
}

const hex2 = (n: number) => (n & 255).toString(16).padStart(2, '0');

/** Lower-case, colon-separated, as 1.4 prints it. */
export function macFromIp(prefix: number, ip: number): string {
  return `${hex2(prefix >>> 8)}:${hex2(prefix)}:${hex2(ip >>> 24)}:${hex2(ip >>> 16)}:${hex2(ip >>> 8)}:${hex2(ip)}`;
}

/** A MAC written in a template (fixed LEASES): six hex octets; returned lower-case. */
export function parseMac(text: string): string | undefined {
  const trimmed = text.trim();
  return FULL_MAC.test(trimmed) ? trimmed.toLowerCase() : undefined;
}
