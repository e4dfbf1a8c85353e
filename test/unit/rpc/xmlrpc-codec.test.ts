import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseMethodCall, parseMethodResponse, XmlRpcDecodeError } from '../../../src/rpc/xmlrpc/decode.ts';
import { serializeFault, serializeMethodCall, serializeMethodResponse } from '../../../src/rpc/xmlrpc/encode.ts';
import { escapeXml } from '../../../src/rpc/xmlrpc/escape.ts';
import { XmlRpcDouble, type XmlRpcValue } from '../../../src/rpc/xmlrpc/value.ts';
import { findForbiddenCharacter, replaceForbiddenCharacters } from '../../../src/inputs/xml-characters.ts';

// Strings with markup, entities, CDATA terminators and control characters.
const nastyString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom('<a>&amp;</a>', ']]>', '&lt;', '\r\n', '\r', '\u0000\u0001\u001f', '"\'', '<!DOCTYPE x>', '&#x41;'),
);

const scalar: fc.Arbitrary<XmlRpcValue> = fc.oneof(
  fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  fc.maxSafeInteger(),
  fc.boolean(),
  nastyString,
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => new XmlRpcDouble(d)),
  fc.constant(null),
  fc.integer({ min: -62167219200, max: 253402300799 }).map((s) => new Date(s * 1000)),
  fc.uint8Array({ maxLength: 40 }),
);

const value: fc.Arbitrary<XmlRpcValue> = fc.letrec<{ v: XmlRpcValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 5 }),
    fc.dictionary(nastyString, tie('v'), { maxKeys: 5 }),
  ),
})).v;

/**
 * Dates and Uint8Arrays are compared by content; plain objects by members.
 * Characters XML forbids travel as U+FFFD (the encoder never writes them).
 */
function normalise(v: XmlRpcValue): unknown {
  if (typeof v === 'string') return replaceForbiddenCharacters(v);
  if (v instanceof Date) return { date: v.getTime() };
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (v instanceof XmlRpcDouble) return { double: Object.is(v.value, -0) ? 0 : v.value };
  if (Array.isArray(v)) return v.map(normalise);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) Object.defineProperty(out, replaceForbiddenCharacters(k), { value: normalise((v as Record<string, XmlRpcValue>)[k]), enumerable: true });
    return out;
  }
  return v;
}

describe('XML-RPC codec', () => {
  it('round-trips any nested value through a methodCall', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 4 }), (params) => {
        const call = parseMethodCall(serializeMethodCall('one.vm.info', params));
        assert.equal(call.method, 'one.vm.info');
        assert.deepEqual(call.params.map(normalise), params.map(normalise));
      }),
    );
  });

  it('round-trips any nested value through a methodResponse', () => {
    fc.assert(
      fc.property(value, (v) => {
        const response = parseMethodResponse(serializeMethodResponse(v));
        assert.equal(response.kind, 'params');
        assert.deepEqual(response.kind === 'params' && response.params.map(normalise), [normalise(v)]);
      }),
    );
  });

  it('round-trips faults', () => {
    fc.assert(
      fc.property(fc.integer(), nastyString, (code, message) => {
        assert.deepEqual(parseMethodResponse(serializeFault({ faultCode: code, faultString: message })), {
          kind: 'fault',
          fault: { faultCode: code, faultString: replaceForbiddenCharacters(message) },
        });
      }),
    );
  });

  it('escapes markup and control characters', () => {
    assert.equal(escapeXml('a<b>&c'), 'a&lt;b&gt;&amp;c');
    assert.equal(escapeXml('x\r\ny\u0001'), 'x&#xd;\ny\uFFFD');
    assert.equal(escapeXml('\u0000\uFFFE\uD800a\uD83D\uDE00'), '\uFFFD\uFFFD\uFFFDa\uD83D\uDE00');
    assert.equal(escapeXml('plain'), 'plain');
    assert.match(serializeMethodResponse(']]>'), /<string>\]\]&gt;<\/string>/);
  });

  it('never writes a character XML 1.0 forbids, not even as a reference', () => {
    fc.assert(
      fc.property(value, nastyString, (v, message) => {
        for (const xml of [serializeMethodResponse(v), serializeFault({ faultCode: 1, faultString: message })]) {
          assert.equal(findForbiddenCharacter(xml), undefined);
          for (const [, hex, dec] of xml.matchAll(/&#(?:x([0-9a-f]+)|(\d+));/gi)) {
            const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
            assert.equal(findForbiddenCharacter(String.fromCharCode(code)), undefined, `reference to ${code}`);
          }
        }
      }),
    );
  });

  it('decodes references to forbidden characters as they are, for the dispatcher to refuse', () => {
    const call = parseMethodCall('<methodCall><methodName>x</methodName><params><param><value>a&#0;b&#xD800;</value></param></params></methodCall>');
    assert.equal(call.params[0], 'a\u0000b\uD800');
  });

  it('reads the value forms other implementations send', () => {
    const xml = `<?xml version='1.0'?>
<methodCall>
<methodName>one.vm.deploy</methodName>
<params>
<param><value>untyped text</value></param>
<param><value><i4> 42 </i4></value></param>
<param><value><boolean>1</boolean></value></param>
<param><value></value></param>
<param><value><dateTime.iso8601>1998-07-17T14:08:55Z</dateTime.iso8601></value></param>
<param><value><base64>aGVs
bG8=</base64></value></param>
<param><value><struct><member><value><int>1</int></value><name>__proto__</name></member></struct></value></param>
<param><value><string><![CDATA[<raw>]]></string></value></param>
<!-- a comment -->
</params>
</methodCall>`;
    const call = parseMethodCall(xml);
    assert.equal(call.params[0], 'untyped text');
    assert.equal(call.params[1], 42);
    assert.equal(call.params[2], true);
    assert.equal(call.params[3], '');
    assert.equal((call.params[4] as Date).toISOString(), '1998-07-17T14:08:55.000Z');
    assert.equal(Buffer.from(call.params[5] as Uint8Array).toString(), 'hello');
    assert.deepEqual(Object.keys(call.params[6] as object), ['__proto__']);
    assert.equal(Object.getPrototypeOf(call.params[6]), Object.prototype);
    assert.equal(call.params[7], '<raw>');
  });

  it('writes ints as <int>, non-integers and XmlRpcDouble as <double>, and big integers as <i8>', () => {
    assert.match(serializeMethodResponse(7), /<int>7<\/int>/);
    assert.match(serializeMethodResponse(0.5), /<double>0.5<\/double>/);
    assert.match(serializeMethodResponse(new XmlRpcDouble(2)), /<double>2<\/double>/);
    assert.match(serializeMethodResponse(2 ** 40), /<i8>1099511627776<\/i8>/);
    assert.throws(() => serializeMethodResponse(Number.NaN), TypeError);
    assert.throws(() => serializeMethodResponse(new Date('+010000-01-01T00:00:00Z')), TypeError);
  });

  const malformed: [string, string][] = [
    ['not XML', 'hello'],
    ['empty body', ''],
    ['mismatched tags', '<methodCall><methodName>x</methodCall></methodName>'],
    ['unclosed root', '<methodCall><methodName>x</methodName>'],
    ['DOCTYPE with entities', '<!DOCTYPE r [<!ENTITY a "aaaa">]><methodCall><methodName>&a;</methodName></methodCall>'],
    ['unknown entity', '<methodCall><methodName>x</methodName><params><param><value>&nbsp;</value></param></params></methodCall>'],
    ['bare ampersand', '<methodCall><methodName>x</methodName><params><param><value>a & b</value></param></params></methodCall>'],
    ['two roots', '<methodCall><methodName>x</methodName></methodCall><methodCall/>'],
    ['int out of range', '<methodCall><methodName>x</methodName><params><param><value><int>2147483648</int></value></param></params></methodCall>'],
    ['bad int', '<methodCall><methodName>x</methodName><params><param><value><int>1.5</int></value></param></params></methodCall>'],
    ['bad boolean', '<methodCall><methodName>x</methodName><params><param><value><boolean>yes</boolean></value></param></params></methodCall>'],
    ['unknown type', '<methodCall><methodName>x</methodName><params><param><value><float>1</float></value></param></params></methodCall>'],
    ['no methodName', '<methodCall><params/></methodCall>'],
    ['wrong root', '<methodResponse><params/></methodResponse>'],
    ['two values in a param', '<methodCall><methodName>x</methodName><params><param><value>a</value><value>b</value></param></params></methodCall>'],
    ['text beside elements', '<methodCall><methodName>x</methodName>junk<params/></methodCall>'],
    ['deep nesting', `<methodCall><methodName>x</methodName><params><param>${'<value><array><data>'.repeat(300)}</param></params></methodCall>`],
  ];
  for (const [label, xml] of malformed) {
    it(`rejects ${label}`, () => {
      assert.throws(() => parseMethodCall(xml), XmlRpcDecodeError);
    });
  }
});
