import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { knownHostKeys } from '../../../../src/drivers/ssh/known-hosts.ts';
import { isValidHostName } from '../../../../src/inputs/host-name.ts';

const key = (n: number) => Buffer.from(`key-${n}`).toString('base64');
const hashed = (name: string, salt: Buffer) => `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;

describe('knownHostKeys', () => {
  const file = [
    '# comment',
    `host1,10.0.0.1 ssh-ed25519 ${key(1)}`,
    `[127.0.0.2]:2222 ssh-ed25519 ${key(2)}`,
    `${hashed('[127.0.0.3]:2200', Buffer.from('salt-salt-salt-salt!'))} ssh-ed25519 ${key(3)}`,
    `@cert-authority * ssh-ed25519 ${key(4)}`,
    '',
  ].join('\n');

  it('finds plain, bracketed-port and hashed entries', () => {
    assert.deepEqual(knownHostKeys(file, 'host1', 22), [Buffer.from('key-1')]);
    assert.deepEqual(knownHostKeys(file, '10.0.0.1', 22), [Buffer.from('key-1')]);
    assert.deepEqual(knownHostKeys(file, '127.0.0.2', 2222), [Buffer.from('key-2')]);
    assert.deepEqual(knownHostKeys(file, '127.0.0.3', 2200), [Buffer.from('key-3')]);
  });

  it('does not match other ports, other hosts, or markers', () => {
    assert.deepEqual(knownHostKeys(file, '127.0.0.2', 22), []);
    assert.deepEqual(knownHostKeys(file, 'host1', 2222), []);
    assert.deepEqual(knownHostKeys(file, 'anything', 22), []);
  });
});

describe('isValidHostName', () => {
  it('accepts DNS names and IP literals', () => {
    for (const h of ['node1', 'node-1.example.org', '127.0.0.2', '::1', 'fe80::1', 'a.b.']) assert.ok(isValidHostName(h), h);
  });
  it('rejects anything shell-like or odd', () => {
    for (const h of ['', 'x;touch', 'x; touch /tmp/pwned', '$(id)', '`id`', '-oProxyCommand=x', 'a b', 'a\nb', "a'b", 'x'.repeat(300), '-x']) {
      assert.ok(!isValidHostName(h), h);
    }
  });
});
