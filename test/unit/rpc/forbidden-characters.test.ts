import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findForbiddenCharacter } from '../../../src/inputs/xml-characters.ts';
import { methodTable } from '../../../src/rpc/methods/method-table.ts';
import { parseMethodResponse } from '../../../src/rpc/xmlrpc/decode.ts';
import { rawMethodCall, type Param } from '../../helpers/xml-char-fuzz.ts';
import { session } from './fake-core.ts';
import { rawPost, startHarness, type Harness } from './rpc-test-server.ts';

const ADMIN = session('oneadmin', 'adminpass');

/**
 * The edge rule of issue "Inputs stay data" (item 3): a character XML 1.0
 * forbids, in any string parameter of any method, raw or as a reference,
 * is refused with 0x1000 before the core sees the call, and the answer
 * names it (`U+0001`) without writing it.
 */
describe('characters XML 1.0 forbids, at the edge', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.stop());

  for (const [method, m] of methodTable) {
    for (const signature of m.signatures) {
      for (const position of signature.flatMap((t, i) => (t === 'string' ? [i] : [-1]).filter((p) => p >= 0))) {
        for (const [ch, asReference] of [['\u0001', false], ['\u0000', true], ['\uFFFF', false], ['\uDC00', true]] as const) {
          it(`${method}(${signature.join(', ')}): ${JSON.stringify(ch)} in parameter ${position + 2}${asReference ? ' as a reference' : ''}`, async () => {
            const params: Param[] = signature.map((type, i) => ({ type, value: type === 'int' ? 0 : type === 'boolean' ? true : i === position ? `a${ch}b` : 'x' }));
            const before = h.core.commands.length;
            const { body } = await rawPost(h.url, rawMethodCall(method, [{ type: 'string', value: ADMIN }, ...params], asReference));
            assert.equal(findForbiddenCharacter(body), undefined);
            assert.doesNotMatch(body, /&#x?0*[0-9a-f]{1,2};/i);
            const r = parseMethodResponse(body);
            assert.equal(r.kind, 'params');
            const [ok, message, code] = (r.kind === 'params' ? r.params[0] : []) as [boolean, string, number];
            assert.deepEqual([ok, code], [false, 0x1000]);
            const description = `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
            assert.equal(message, `Parameter ${position + 2} of ${method} contains ${description} at character 2, a character XML 1.0 does not allow`);
            assert.equal(h.core.commands.length, before, 'the core was called');
          });
        }
      }
    }
  }

  it('refuses a bad session the same way, before authenticating it', async () => {
    const { body } = await rawPost(h.url, rawMethodCall('one.system.version', [{ type: 'string', value: 'oneadmin\u0007:x' }], false));
    const r = parseMethodResponse(body);
    assert.deepEqual(r.kind === 'params' && r.params[0], [false, 'Parameter 1 of one.system.version contains U+0007 at character 9, a character XML 1.0 does not allow', 0x1000]);
  });
});
