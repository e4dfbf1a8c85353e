import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CliError } from '../../../src/cli/lib/cli-error.ts';
import { OneClient, unwrapOneResponse } from '../../../src/cli/lib/one-client.ts';
import { decodeResponse, encodeCall, XmlRpcDecodeError, type XmlRpcValue } from '../../../src/cli/lib/xmlrpc-codec.ts';

const response = (inner: string) => `<?xml version="1.0"?>\n<methodResponse>\n  <params>\n    <param>${inner}</param>\n  </params>\n</methodResponse>\n`;

describe('XML-RPC codec', () => {
  it('encodes a ONE call with session, strings, ints and booleans', () => {
    assert.equal(
      encodeCall('one.vm.migrate', ['oneadmin:abc', 3, 1, true]),
      '<?xml version="1.0"?><methodCall><methodName>one.vm.migrate</methodName><params>' +
        '<param><value><string>oneadmin:abc</string></value></param><param><value><int>3</int></value></param>' +
        '<param><value><int>1</int></value></param><param><value><boolean>1</boolean></value></param></params></methodCall>',
    );
  });

  it('escapes markup in strings', () => {
    assert.ok(encodeCall('m', ['NAME = "a<b&c"']).includes('<string>NAME = "a&lt;b&amp;c"</string>'));
  });

  it('decodes [ok, xml, code] and keeps whitespace inside strings', () => {
    const xml = response(
      '<value><array><data>\n<value><boolean>1</boolean></value>\n<value><string>&lt;VM&gt;<ID>x</ID>  a b\n&lt;/VM&gt;</string></value>\n<value><i4>0</i4></value>\n</data></array></value>',
    );
    const decoded = decodeResponse(xml.replace('<ID>x</ID>', ''));
    assert.deepEqual(decoded, { kind: 'params', values: [[true, '<VM>  a b\n</VM>', 0]] });
  });

  it('treats an untyped value as a string', () => {
    assert.deepEqual(decodeResponse(response('<value>plain text</value>')), { kind: 'params', values: ['plain text'] });
  });

  it('decodes faults', () => {
    const xml =
      '<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>-501</int></value></member>' +
      '<member><name>faultString</name><value><string>no such method</string></value></member></struct></value></fault></methodResponse>';
    assert.deepEqual(decodeResponse(xml), { kind: 'fault', code: -501, message: 'no such method' });
  });

  it('rejects documents that are not XML-RPC responses', () => {
    assert.throws(() => decodeResponse('<html>oops</html>'), XmlRpcDecodeError);
    assert.throws(() => decodeResponse(response('<value><dateTimeX>1</dateTimeX></value>')), XmlRpcDecodeError);
  });

  it('round-trips any value it encodes', () => {
    const value: fc.Arbitrary<XmlRpcValue> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.boolean(),
        fc.array(tie('v'), { maxLength: 3 }),
      ),
    })).v as fc.Arbitrary<XmlRpcValue>;
    fc.assert(
      fc.property(fc.array(value, { maxLength: 4 }), (params) => {
        // Reuse the call encoder: a methodCall's <params> has the response's shape.
        const call = encodeCall('m', params).replace(/^.*?<params>/s, '<methodResponse><params>').replace('</methodCall>', '</methodResponse>');
        const strip = (s: string) => s.replace(/\r\n?/g, '\n');
        const normalise = (v: XmlRpcValue): XmlRpcValue => (typeof v === 'string' ? strip(v) : Array.isArray(v) ? v.map(normalise) : v);
        assert.deepEqual(decodeResponse(call), { kind: 'params', values: params.map(normalise) });
      }),
    );
  });
});

describe('ONE answers', () => {
  it('accepts the 3.x [ok, value, code] and the 1.4 [ok, value] / [ok] shapes', () => {
    assert.equal(unwrapOneResponse('m', [[true, 5, 0]]), 5);
    assert.equal(unwrapOneResponse('m', [[true, '<X/>']]), '<X/>');
    assert.equal(unwrapOneResponse('m', [[true]]), undefined);
  });

  it('turns [false, message, code] into a CliError with oned’s message', () => {
    assert.throws(
      () => unwrapOneResponse('one.vm.info', [[false, 'Error getting virtual machine [4].', 0x400]]),
      (e: Error) => e instanceof CliError && e.message === 'Error getting virtual machine [4].' && e.errorCode === 0x400,
    );
    assert.throws(() => unwrapOneResponse('m', [[false, 'no code']]), /no code/);
    assert.throws(() => unwrapOneResponse('m', [['yes']]), /malformed/);
  });

  it('sends the session first and reads the credentials only once', async () => {
    const sent: unknown[][] = [];
    let reads = 0;
    const client = new OneClient(
      { call: async (method, params) => (sent.push([method, ...params]), [[true, 1, 0]]) },
      () => (reads++, 'u:h'),
    );
    await client.call('one.vm.action', 'hold', 3);
    await client.callId('one.vm.allocate', 'NAME=x');
    assert.deepEqual(sent, [['one.vm.action', 'u:h', 'hold', 3], ['one.vm.allocate', 'u:h', 'NAME=x']]);
    assert.equal(reads, 1);
    await assert.rejects(client.callString('one.vm.info', 1), /expected an XML document/);
  });
});
