import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isIpv4Literal, isIpv6Literal, isValidHostName } from '../../../src/inputs/host-name.ts';

describe('isValidHostName (one rule for the API and the drivers)', () => {
  it('refuses what the API used to accept: a leading -, empty labels, all-numeric non-addresses', () => {
    for (const h of ['-h', 'a..b', '....................', '0', '.', '..', 'a.', '.a', 'x..', '-node', 'node-', 'a.-b']) {
      assert.equal(isValidHostName(h), h === 'a.', h);
    }
  });

  it('accepts the IPv6 literal the API used to refuse, and other address forms', () => {
    for (const h of ['::1', '::', 'fe80::1', '2001:db8::8:800:200c:417a', '1:2:3:4:5:6:7:8', '::ffff:192.0.2.1', '1:2:3:4:5:6:7::']) {
      assert.ok(isIpv6Literal(h) && isValidHostName(h), h);
    }
  });

  it('refuses malformed IPv6: two ::, too many groups, long groups, IPv4 not at the end, zones, brackets', () => {
    for (const h of ['1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::1', '1.2.3.4::', ':1', '1:', 'fe80::1%eth0', '[::1]', '::g']) {
      assert.ok(!isValidHostName(h), h);
    }
  });

  it('accepts RFC 1123 names and dotted-quad IPv4', () => {
    for (const h of ['node1', 'host04', '3com.example', 'web-01.example.org', 'node1.example.org.', '127.0.0.2', '255.255.255.255', 'a'.repeat(63)]) {
      assert.ok(isValidHostName(h), h);
    }
  });

  it('refuses IPv4 look-alikes, long labels and names, and anything shell-like', () => {
    for (const h of ['1.2.3', '256.1.1.1', '01.1.1.1', '1.2.3.4.5', 'a.1', 'a'.repeat(64), `${'a.'.repeat(127)}a`, 'a_b', 'a b', '$(id)', '`id`', 'x;y', "a'b", 'a\nb', '']) {
      assert.ok(!isValidHostName(h), h);
    }
    assert.ok(!isIpv4Literal('1.2.3.04'));
  });
});
