/**
 * Host names come from users (onehost create). Only DNS names, IPv4 and
 * IPv6 literals pass, so nothing shell-like ever reaches ssh or a log line.
 */
const DNS = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

export function isValidHostName(host: string): boolean {
  return DNS.test(host) || (host.includes(':') && IPV6.test(host));
}
