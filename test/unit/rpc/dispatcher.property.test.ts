import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ErrorCode } from '../../../src/events/domain-error.ts';
import { Authenticator } from '../../../src/rpc/auth.ts';
import { dispatch } from '../../../src/rpc/dispatcher.ts';
import { methodTable } from '../../../src/rpc/methods/method-table.ts';
import { parseMethodCall, XmlRpcDecodeError } from '../../../src/rpc/xmlrpc/decode.ts';
import { serializeMethodCall } from '../../../src/rpc/xmlrpc/encode.ts';
import { XmlRpcDouble, type XmlRpcValue } from '../../../src/rpc/xmlrpc/value.ts';
import { FakeCore, session } from './fake-core.ts';

const param: fc.Arbitrary<XmlRpcValue> = fc.oneof(
  fc.integer({ min: -3, max: 5 }),
  fc.boolean(),
  fc.constantFrom('hold', 'finalize', 'NAME = x', '', 'a:b', session('oneadmin', 'adminpass'), session('nobody', 'x')),
  fc.string(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => new XmlRpcDouble(d)),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);

describe('dispatcher under arbitrary calls', () => {
  it('always answers [ok, value, code] or a fault, and reaches the core only for well-typed authenticated calls', async () => {
    const core = await FakeCore.create();
    core.addVm(0);
    core.addHost();
    core.addVnet(0);
    const deps = { table: methodTable, context: { core, hashPassword: async (t: string) => `scrypt$fake$${t.padEnd(16, '_')}` }, auth: new Authenticator(core) };
    const names = [...methodTable.keys(), 'one.nope', 'system.listMethods'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.array(param, { maxLength: 5 }), async (method, params) => {
        const before = core.commands.length;
        const result = await dispatch({ method, params }, deps);
        if (!methodTable.has(method)) {
          assert.equal(result.kind, 'fault');
          return;
        }
        assert.equal(result.kind, 'response');
        if (result.kind !== 'response') return;
        const [ok, value, code] = result.value;
        assert.equal(typeof ok, 'boolean');
        assert.equal(ok, code === ErrorCode.SUCCESS);
        if (!ok) assert.equal(typeof value, 'string');
        assert.ok((Object.values(ErrorCode) as number[]).includes(code), `unknown code ${code}`);
        const m = methodTable.get(method)!;
        const wellTyped = params[0] === session('oneadmin', 'adminpass') && m.signatures.some((s) => s.length === params.length - 1);
        if (!wellTyped) assert.equal(core.commands.length, before, `${method} reached the core with ${JSON.stringify(params)}`);
      }),
      { numRuns: 300 },
    );
  });

  it('the XML reader only ever fails with XmlRpcDecodeError', () => {
    const fragments = fc.constantFrom('<methodCall>', '</methodCall>', '<methodName>', '</methodName>', 'one.vm.info', '<params>', '</params>', '<param>', '</param>', '<value>', '</value>', '<int>', '</int>', '1', '<struct>', '<member>', '<name>', '</name>', '&amp;', '&', '<!--', '-->', '<![CDATA[', ']]>', '<?xml?>', '<a b="c">', '<array><data>', '</data></array>', ' ', '<nil/>');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fragments, { maxLength: 30 }).map((f) => f.join(''))), (xml) => {
        try {
          parseMethodCall(xml);
        } catch (e) {
          assert.ok(e instanceof XmlRpcDecodeError, String(e));
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('a truncated valid call is always rejected cleanly', () => {
    const xml = serializeMethodCall('one.vm.deploy', [session('oneadmin', 'adminpass'), 1, 2]);
    for (let cut = 0; cut < xml.length; cut++) {
      assert.throws(() => parseMethodCall(xml.slice(0, cut)), XmlRpcDecodeError, `cut at ${cut}`);
    }
  });
});
