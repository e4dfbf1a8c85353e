/**
 * The one host-name rule, shared by the API (one.host.allocate), the core
 * and the SSH drivers: a host name is an RFC 1123 name, a dotted-quad IPv4
 * address or an IPv6 literal. Host names reach ssh command lines, hook
 * arguments and log lines, so nothing else passes: no leading `-` (ssh
 * would read an option), no empty labels (`a..b`, `....`; one trailing dot,
 * the DNS root of an absolute name like `node1.example.org.`, is fine), no
 * `_`, no brackets or zone ids, and no all-numeric name that is not an IPv4
 * address (`0` or `1.2.3` would be read as a number by inet_aton).
 *
 * This module imports nothing, so any layer may use it.
 */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

export const MAX_HOST_NAME_LENGTH = 253;

export function isIpv4Literal(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => OCTET.test(p));
}

/** RFC 4291 §2.2 text forms: eight groups, one `::`, an IPv4 tail. */
export function isIpv6Literal(text: string): boolean {
  if (text.length > 45 || !text.includes(':')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const all = [...head, ...tail];
  let count = all.length;
  // Only the very last group may be an IPv4 address (`::ffff:1.2.3.4`, not `1.2.3.4::`).
  const lastHalf = halves.length === 2 ? tail : head;
  const last = lastHalf[lastHalf.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIpv4Literal(last)) return false;
    all.pop();
    count += 1; // an IPv4 tail stands for two groups
  }
  if (!all.every((g) => HEX_GROUP.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

export function isValidHostName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_HOST_NAME_LENGTH) return false;
  if (isIpv6Literal(name)) return true;
  const labels = (name.endsWith('.') ? name.slice(0, -1) : name).split('.');
  if (!labels.every((l) => LABEL.test(l))) return false;
  // A top label of digits only is no DNS name: the whole must then be an IPv4 address.
  return !/^\d+$/.test(labels[labels.length - 1]) || isIpv4Literal(name);
}

/** The refusal both the API and the core give, so a user sees one wording. */
export const invalidHostNameMessage = (name: string): string =>
  `Invalid host name ${JSON.stringify(name)}: use an RFC 1123 host name (letters, digits and '-' in dot-separated labels) or an IPv4/IPv6 address`;
