import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OpenSSH known_hosts lookup: plain and hashed (`|1|salt|hash`) host
 * fields, `[host]:port` for non-standard ports. Markers (@revoked,
 * @cert-authority) and wildcard patterns are not supported: such lines never
 * match, which errs on the side of refusing.
 */
export function knownHostKeys(knownHosts: string, host: string, port: number): Buffer[] {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const keys: Buffer[] = [];
  for (const raw of knownHosts.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('@')) continue;
    const [hosts, , key] = line.split(/\s+/);
    if (!hosts || !key) continue;
    if (hosts.split(',').some((pattern) => patternMatches(pattern, name))) keys.push(Buffer.from(key, 'base64'));
  }
  return keys;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  return pattern.toLowerCase() === name.toLowerCase();
}
