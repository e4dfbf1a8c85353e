import assert from 'node:assert/strict';
import http from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../../src/events/domain-error.ts';
import { sessionFromOneAuth, XmlRpcDouble, XmlRpcFaultError } from '../../../src/rpc/client.ts';
import { parseMethodResponse } from '../../../src/rpc/xmlrpc/decode.ts';
import { serializeMethodCall } from '../../../src/rpc/xmlrpc/encode.ts';
import { session } from './fake-core.ts';
import { rawPost, startHarness, type Harness } from './rpc-test-server.ts';

const ADMIN = session('oneadmin', 'adminpass');

describe('RpcServer', () => {
  let h: Harness;
  const accessLines: string[] = [];
  const errors: string[] = [];
  before(async () => {
    h = await startHarness({
      maxBodyBytes: 64 * 1024,
      accessLog: (line) => accessLines.push(line),
      logger: { log: (_m, _l, message) => errors.push(message), vmLog: () => {} },
    });
  });
  after(() => h.stop());

  it('binds the requested address and exposes the bound port', () => {
    assert.equal(h.server.address, '127.0.0.1');
    assert.ok(h.server.port > 0);
  });

  it('answers one.system.version as [true, version, 0] and logs the call', async () => {
    assert.deepEqual(await h.client.call('one.system.version', [ADMIN]), [true, '1.4.0-one-ts', 0]);
    assert.ok(accessLines.some((l) => l.includes('one.system.version ok')));
  });

  it('answers malformed XML with a parse fault', async () => {
    for (const body of ['<methodCall>', 'not xml at all', '<!DOCTYPE x [<!ENTITY e "e">]><methodCall/>', Buffer.from([0x3c, 0xff, 0xfe])]) {
      const res = await rawPost(h.url, body);
      assert.equal(res.status, 200);
      const parsed = parseMethodResponse(res.body);
      assert.equal(parsed.kind, 'fault');
      assert.equal(parsed.kind === 'fault' && parsed.fault.faultCode, -503);
    }
  });

  it('answers an unknown method with an XML-RPC fault, not HTTP 404', async () => {
    await assert.rejects(h.client.call('one.vm.nosuch', [ADMIN]), (e: unknown) => {
      assert.ok(e instanceof XmlRpcFaultError);
      assert.equal(e.faultCode, -506);
      assert.match(e.faultString, /one\.vm\.nosuch/);
      return true;
    });
  });

  it('answers an oversized body with a fault and keeps serving', async () => {
    const huge = serializeMethodCall('one.vm.allocate', [ADMIN, 'X'.repeat(100 * 1024)]);
    const res = await rawPost(h.url, huge);
    const parsed = parseMethodResponse(res.body);
    assert.equal(parsed.kind === 'fault' && parsed.fault.faultCode, -509);
    assert.deepEqual(await h.client.call('one.system.version', [ADMIN]), [true, '1.4.0-one-ts', 0]);
  });

  it('answers wrong parameter counts and types with [false, …, 0x1000]', async () => {
    const cases = [
      ['one.vm.info', []],
      ['one.vm.info', [ADMIN]],
      ['one.vm.info', [ADMIN, '0']],
      ['one.vm.info', [ADMIN, new XmlRpcDouble(0)]],
      ['one.vm.info', [42, 0]],
      ['one.vm.migrate', [ADMIN, 0, 0, 'yes']],
      ['one.vm.deploy', [ADMIN, 0, 0, 0]],
      ['one.vmpool.info', [ADMIN, -2, false]],
      ['one.host.enable', [ADMIN, 0, 1]],
    ] as const;
    for (const [method, params] of cases) {
      const r = (await h.client.call(method, params)) as unknown[];
      assert.equal(r[0], false, `${method} ${JSON.stringify(params)}`);
      assert.equal(r[2], ErrorCode.XML_RPC_API);
      assert.match(String(r[1]), new RegExp(`Wrong parameters for ${method.replace('.', '\\.')}`));
    }
  });

  it('rejects other paths and verbs at the HTTP level', async () => {
    assert.equal((await rawPost(h.url, '', { path: '/elsewhere' })).status, 404);
    assert.equal((await rawPost(h.url, '', { method: 'PUT' })).status, 405);
  });

  it('serves concurrent calls correctly', async () => {
    const ids = Array.from({ length: 20 }, () => h.core.addVm(0));
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => h.client.call('one.vm.info', [ADMIN, ids[i % ids.length]])),
    );
    answers.forEach((a, i) => {
      const [ok, xml, code] = a as [boolean, string, number];
      assert.equal(ok, true);
      assert.equal(code, 0);
      assert.ok(xml.startsWith(`<VM><ID>${ids[i % ids.length]}</ID>`));
    });
  });

  it('keeps connections alive between calls', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = serializeMethodCall('one.system.version', [ADMIN]);
      const first = await rawPost(h.url, body, { agent });
      const second = await rawPost(h.url, body, { agent });
      const third = await rawPost(h.url, body, { agent });
      assert.equal(first.reusedSocket, false);
      assert.equal(second.reusedSocket, true);
      assert.equal(third.reusedSocket, true);
    } finally {
      agent.destroy();
    }
  });

  it('long-polls the event feed until an event commits', async () => {
    const started = Date.now();
    setTimeout(() => h.core.emit('VmAllocated'), 100);
    const [ok, json, code] = (await h.client.call('one.event.poll', [ADMIN, 0, 10, 5_000])) as [boolean, string, number];
    assert.equal(ok, true);
    assert.equal(code, 0);
    const events = JSON.parse(json) as { seq: number; event: { type: string } }[];
    assert.deepEqual(events.map((e) => [e.seq, e.event.type]), [[1, 'VmAllocated']]);
    assert.ok(Date.now() - started < 2_000);
    const [, empty] = (await h.client.call('one.event.poll', [ADMIN, 1, 10, 50])) as [boolean, string];
    assert.equal(empty, '[]');
  });

  it('turns an exception in the core into [false, …, 0x2000] and logs it once', async () => {
    const original = h.core.hosts;
    h.core.hosts = () => {
      throw new Error('projection exploded');
    };
    try {
      const r = (await h.client.call('one.hostpool.info', [ADMIN])) as unknown[];
      assert.deepEqual([r[0], r[2]], [false, ErrorCode.INTERNAL]);
      assert.equal(errors.filter((e) => e.includes('projection exploded')).length, 1);
    } finally {
      h.core.hosts = original;
    }
  });
});

describe('RpcServer with default limits', () => {
  it('refuses a 9 MiB body with a fault', async () => {
    const h = await startHarness();
    try {
      const res = await rawPost(h.url, serializeMethodCall('one.vm.allocate', [ADMIN, 'Y'.repeat(9 * 1024 * 1024)]));
      const parsed = parseMethodResponse(res.body);
      assert.equal(parsed.kind === 'fault' && parsed.fault.faultCode, -509);
    } finally {
      await h.stop();
    }
  });

  it('closes gracefully: calls in progress finish, new connections are refused', async () => {
    const h = await startHarness();
    const polling = h.client.call('one.event.poll', [ADMIN, 0, 10, 300]);
    await new Promise((r) => setTimeout(r, 50));
    const closing = h.server.close(2_000);
    const [ok] = (await polling) as [boolean];
    assert.equal(ok, true);
    await closing;
    await assert.rejects(rawPost(h.url, serializeMethodCall('one.system.version', [ADMIN])));
    h.client.close();
  });
});

describe('sessionFromOneAuth', () => {
  it('hashes the password part of a one_auth line', () => {
    assert.equal(sessionFromOneAuth('oneadmin:adminpass\n'), ADMIN);
    assert.equal(sessionFromOneAuth('u:pa:ss'), session('u', 'pa:ss'));
    assert.throws(() => sessionFromOneAuth('nocolon'));
  });
});

describe('RpcServer against a client announcing a huge body', () => {
  it('answers a fault without reading it and closes the connection', async () => {
    const h = await startHarness({ maxBodyBytes: 1024 });
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(h.server.port, '127.0.0.1', () => {
          socket.write('POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 100000000\r\n\r\n<methodCall>');
        });
        let data = '';
        socket.on('data', (d) => (data += d));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });
      assert.match(reply, /^HTTP\/1\.1 200/);
      assert.match(reply, /Connection: close/i);
      assert.match(reply, /<name>faultCode<\/name><value><int>-509<\/int>/);
    } finally {
      await h.stop();
    }
  });
});
