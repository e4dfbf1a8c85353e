import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { macFromIp, parseMac, parseMacPrefix } from '../../../../src/machines/vnet/mac.ts';
import { parseIpv4 } from '../../../../src/machines/vnet/ip.ts';

describe('MAC derivation (§7.3)', () => {
  it('10.0.0.1 with prefix 00:03 gives 00:03:0a:00:00:01', () => {
    const prefix = parseMacPrefix('00:03');
    assert.deepEqual(prefix, { ok: true, value: 3 });
    assert.ok(prefix.ok);
    assert.equal(macFromIp(prefix.value, parseIpv4('10.0.0.1')!), '00:03:0a:00:00:01');
  });

  it('prints lower-case two-digit hex', () => {
    const prefix = parseMacPrefix('AB:Cd');
    assert.ok(prefix.ok);
    assert.equal(prefix.value, 0xabcd);
    assert.equal(macFromIp(prefix.value, parseIpv4('192.168.255.10')!), 'ab:cd:c0:a8:ff:0a');
  });

  it('rejects a malformed prefix', () => {
    for (const bad of ['00:3', '0003', '00:03:04', 'zz:00', '', '00-03']) {
      const r = parseMacPrefix(bad);
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.equal(r.error.code, 0x1000);
    }
  });

  it('parses full MACs strictly and lower-cases them', () => {
    assert.equal(parseMac('00:16:3E:00:00:01'), '00:16:3e:00:00:01');
    assert.equal(parseMac('00:16:3e:00:00'), undefined);
    assert.equal(parseMac('00:16:3e:00:00:0g'), undefined);
  });
});
