import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { parseMethodResponse } from '../../../src/rpc/xmlrpc/decode.ts';
import { serializeMethodCall } from '../../../src/rpc/xmlrpc/encode.ts';
import { session } from './fake-core.ts';
import { startHarness, type Harness } from './rpc-test-server.ts';

const ADMIN = session('oneadmin', 'adminpass');

/** A one.vm.allocate body of about `bytes` bytes (a long comment line in the template). */
const allocate = (bytes: number) => Buffer.from(serializeMethodCall('one.vm.allocate', [ADMIN, `NAME = x\n#${'c'.repeat(bytes)}\n`]));

/**
 * Starts a POST from `from` and sends all of `body` but its last byte, so
 * the server holds it half-read; `finish` sends the rest. `answer` resolves
 * with the decoded answer (the fault code, or the `[ok, value, code]` code).
 */
function halfSent(port: number, from: string, body: Buffer, chunked = false) {
  const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'text/xml', ...(chunked ? {} : { 'Content-Length': body.length }) };
  let answered = false;
  let finish = (): void => {};
  const answer = new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/RPC2', method: 'POST', localAddress: from, agent: false, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        answered = true;
        const r = parseMethodResponse(text);
        resolve(r.kind === 'fault' ? r.fault.faultCode : (r.params[0] as [boolean, unknown, number])[2]);
      });
    });
    req.on('error', reject);
    req.write(body.subarray(0, body.length - 1));
    finish = () => req.end(body.subarray(body.length - 1));
  });
  return { answer, finish: () => finish(), answered: () => answered };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('large request bodies take a lane', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ largeBodies: { largeBytes: 4096, largeLanes: 1, largeLanesPerClient: 1, maxLargeWaiting: 1 } });
  });
  after(() => h.stop());

  it('holds a second large body unread until the first is answered, serves small calls meanwhile, and refuses a third', async () => {
    const first = halfSent(h.server.port, '127.0.0.2', allocate(20_000));
    await settle();
    const second = halfSent(h.server.port, '127.0.0.3', allocate(20_000), true); // chunked: the lane is taken once it grows large
    await settle();
    const third = halfSent(h.server.port, '127.0.0.4', allocate(20_000));
    assert.equal(await third.answer, -509, 'two large bodies already in: the third is answered busy without being read');
    assert.deepEqual(await h.client.call('one.system.version', [ADMIN]), [true, '1.4.0-one-ts', 0], 'a small call does not wait');
    second.finish();
    await settle();
    assert.equal(second.answered(), false, 'the second waits for the lane');
    first.finish();
    assert.equal(await first.answer, 0);
    assert.equal(await second.answer, 0, 'then gets it');
  });
});
