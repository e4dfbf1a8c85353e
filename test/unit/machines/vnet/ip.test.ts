import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  MAX_NETWORK_SIZE,
  checkRangedLayout,
  formatIpv4,
  maskBitsFor,
  parseIpv4,
  parseNetworkSize,
  rangedLayout,
} from '../../../../src/machines/vnet/ip.ts';

describe('parseIpv4 / formatIpv4', () => {
  it('parses dotted quads to unsigned 32-bit numbers', () => {
    assert.equal(parseIpv4('10.0.0.1'), 0x0a000001);
    assert.equal(parseIpv4('0.0.0.0'), 0);
    assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
    assert.equal(parseIpv4('192.168.1.200'), 0xc0a801c8);
  });

  it('rejects anything that is not exactly four decimal octets', () => {
    for (const bad of ['1.2.3', '256.0.0.1', 'x10.0.0.1', '10.0.0.1x', ' 10.0.0.1', '10.0.0.1.5', '10..0.1', '010.0.0.1', '-1.0.0.0', '1.2.3.4 ', '', '0x0a.0.0.1', '1e1.0.0.0']) {
      assert.equal(parseIpv4(bad), undefined, bad);
    }
  });

  it('round-trips every address', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (ip) => {
        assert.equal(parseIpv4(formatIpv4(ip)), ip);
      }),
    );
  });
});

describe('NETWORK_SIZE', () => {
  it('reads C, B, numbers, and missing/0 as the oned.conf default', () => {
    assert.deepEqual(parseNetworkSize('C', 100), { ok: true, value: 254 });
    assert.deepEqual(parseNetworkSize('B', 100), { ok: true, value: 65534 });
    assert.deepEqual(parseNetworkSize('c', 100), { ok: true, value: 254 });
    assert.deepEqual(parseNetworkSize('30', 100), { ok: true, value: 30 });
    assert.deepEqual(parseNetworkSize(30, 100), { ok: true, value: 30 });
    assert.deepEqual(parseNetworkSize(undefined, 100), { ok: true, value: 100 });
    assert.deepEqual(parseNetworkSize('0', 100), { ok: true, value: 100 });
    assert.deepEqual(parseNetworkSize('', 100), { ok: true, value: 100 });
  });

  it('rejects junk and sizes beyond the supported space with 0x1000', () => {
    for (const bad of ['A', '-5', '12abc', '1.5']) {
      const r = parseNetworkSize(bad, 254);
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.equal(r.error.code, 0x1000);
    }
    const huge = parseNetworkSize(String(MAX_NETWORK_SIZE + 1), 254);
    assert.equal(huge.ok, false);
    if (!huge.ok) assert.match(huge.error.message, /too large/);
  });
});

describe('ranged layout (§7.2)', () => {
  it('computes mask bits as ceil(log2(size))', () => {
    assert.equal(maskBitsFor(256), 8);
    assert.equal(maskBitsFor(257), 9);
    assert.equal(maskBitsFor(65536), 16);
    assert.equal(maskBitsFor(3), 2);
  });

  it('class C: 254 hosts, size 256, /24 base', () => {
    const r = rangedLayout('192.168.0.77', 'C', 254);
    assert.deepEqual(r, { ok: true, value: { base: parseIpv4('192.168.0.0'), size: 256, maskBits: 8 } });
  });

  it('class B: 65534 hosts, size 65536, /16 base', () => {
    const r = rangedLayout('10.1.200.3', 'B', 254);
    assert.deepEqual(r, { ok: true, value: { base: parseIpv4('10.1.0.0'), size: 65536, maskBits: 16 } });
  });

  it('uses the oned.conf default when NETWORK_SIZE is missing', () => {
    const r = rangedLayout('10.0.0.0', undefined, 254);
    assert.ok(r.ok);
    assert.equal(r.value.size, 256);
  });

  it('a size that is not a power of two rounds the mask up', () => {
    // 100 hosts + 2 = 102 → 7 bits → /25 block
    const r = rangedLayout('10.0.0.200', '100', 254);
    assert.deepEqual(r, { ok: true, value: { base: parseIpv4('10.0.0.128'), size: 102, maskBits: 7 } });
  });

  it('requires a valid NETWORK_ADDRESS', () => {
    for (const bad of [undefined, '', '10.0.0', '300.1.1.1']) {
      const r = rangedLayout(bad, 'C', 254);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.code, 0x1000);
    }
  });

  it('refuses sizes beyond a /8, misaligned bases and addresses past 32 bits', () => {
    const tooBig = rangedLayout('255.255.255.0', String(2 ** 25), 254);
    assert.equal(tooBig.ok, false);
    if (!tooBig.ok) assert.match(tooBig.error.message, /too large/);
    assert.equal(checkRangedLayout(parseIpv4('10.0.0.1')!, 256).ok, false);
    assert.equal(checkRangedLayout(2 ** 32, 256).ok, false);
    assert.equal(checkRangedLayout(0, 2 ** 24 + 1).ok, false);
    // the last /24 of the address space is fine
    assert.deepEqual(rangedLayout('255.255.255.9', 'C', 254), { ok: true, value: { base: 0xffffff00, size: 256, maskBits: 8 } });
  });
});
