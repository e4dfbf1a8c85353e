import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allocateOfSize, codeOf, concurrentBodies, postFrom } from '../helpers/api-abuse.ts';
import { serializeMethodCall } from '../../src/rpc/xmlrpc/encode.ts';
import { allEvents, Oned } from '../helpers/oned-harness.ts';

/**
 * Request size against memory, on a real oned. Reproduction of the
 * finding: two 8 MiB templates took oned from about 90 MB to about 600 MB
 * RSS, 16 at once to 2 GB, and each such VM added about 16.8 MB to one.db.
 */
const BAD_PARAMETERS = 0x1000;

/** A VM template of exactly `bytes` UTF-8 bytes; `fill` is a one-character string (2 bytes for 'é'). */
function templateOf(bytes: number, fill = '#'): string {
  const head = 'NAME = big\n#';
  const width = Buffer.byteLength(fill);
  const room = bytes - head.length - 1;
  return head + fill.repeat(Math.floor(room / width)) + '#'.repeat(room % width) + '\n';
}

describe('VM template size limit (VM_TEMPLATE_MAX_SIZE)', () => {
  let one: Oned;
  before(async () => {
    one = await Oned.start({ conf: 'VM_TEMPLATE_MAX_SIZE = 65536' });
  });
  after(async () => {
    await one?.stop();
    one?.remove();
  });

  it('accepts a template of exactly the limit and refuses one byte more with 0x1000, appending nothing', async () => {
    assert.equal(Buffer.byteLength(templateOf(65536)), 65536);
    assert.equal(typeof (await one.ok('one.vm.allocate', templateOf(65536))), 'number');
    const before = (await allEvents(one)).length;
    // 'é' is 2 bytes: 40,000 characters are 80,000 bytes, counted as bytes, not characters.
    for (const template of [templateOf(65537), templateOf(80_000, 'é'), templateOf(1024 * 1024)]) {
      const [ok, message, code] = await one.call('one.vm.allocate', template);
      assert.equal(ok, false);
      assert.equal(code, BAD_PARAMETERS);
      assert.match(String(message), /^Parameter 2 of one\.vm\.allocate is \d+ bytes, larger than VM_TEMPLATE_MAX_SIZE \(65536 bytes\)$/);
    }
    assert.equal((await allEvents(one)).length, before, 'nothing appended to the log');
  });

  it('refuses an oversized template before the session check (0x1000, not 0x100): it costs no scrypt run', async () => {
    const body = serializeMethodCall('one.vm.allocate', ['nobody:x', templateOf(65537)]);
    assert.equal(codeOf((await postFrom(one.port, '127.0.0.1', body)).answer), BAD_PARAMETERS);
  });
});

describe('many maximum-size requests at once', () => {
  let one: Oned;
  before(async () => {
    one = await Oned.start();
  });
  after(async () => {
    await one?.stop();
    one?.remove();
  });

  it('keeps oned under 512 MB with 16 concurrent 8 MiB requests, answers them all and stays up', { timeout: 120_000 }, async (t) => {
    const body = allocateOfSize(one.session, 8 * 1024 * 1024);
    const { answers, peakMb } = await concurrentBodies(one, body, 16);
    t.diagnostic(`oned peak RSS with 16 concurrent 8 MiB requests: ${peakMb} MB`);
    assert.deepEqual(answers.map(codeOf), Array(16).fill(BAD_PARAMETERS));
    assert.ok(peakMb < 512, `peak RSS ${peakMb} MB`);
    assert.deepEqual(await one.call('one.system.version'), [true, '1.4.0-one-ts', 0]);
    assert.equal((await allEvents(one)).filter((e) => e.stream.startsWith('vm/')).length, 0, 'no VM was stored');
  });
});
