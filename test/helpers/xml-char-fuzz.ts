/**
 * Requests that carry characters XML 1.0 forbids, for the e2e fuzz suite.
 * Our own encoder never writes such characters (they become U+FFFD), so
 * these bodies are written here by hand: each forbidden character raw in the
 * UTF-8 body (as Python's xmlrpc.client sends it) or as a character
 * reference such as `&#0;`; lone surrogates, which UTF-8 cannot carry, always
 * as a reference.
 */
import fc from 'fast-check';
import { findForbiddenCharacter } from '../../src/inputs/xml-characters.ts';
import type { ParamType } from '../../src/rpc/methods/method.ts';

export const FORBIDDEN = ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u000e', '\u001f', '\ufffe', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff'];

/** Any Unicode text (every code point, astral ones included), sometimes with forbidden characters put in. */
export const unicodeText: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ unit: 'binary', maxLength: 24 }),
    fc.oneof(fc.constant([]), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...FORBIDDEN)), { minLength: 1, maxLength: 3 })),
  )
  .map(([text, injected]) => injected.reduce((s, [at, ch]) => { const i = at % (s.length + 1); return s.slice(0, i) + ch + s.slice(i); }, text));

/** A value that reaches the method: free text, or a template around it that parses when the text is clean. */
function stringFor(method: string): fc.Arbitrary<string> {
  const quoted = unicodeText.map((t) => t.replace(/["\\]/g, ''));
  if (method === 'one.vm.allocate') return fc.oneof(unicodeText, quoted.map((q) => `NAME = "${q}"\nMEMORY = 16\nCPU = 0.1`));
  if (method === 'one.vn.allocate') {
    return fc.oneof(unicodeText, quoted.map((q) => `NAME = "${q}"\nTYPE = FIXED\nBRIDGE = br0\nLEASES = [ IP = 10.3.0.1 ]`));
  }
  return unicodeText;
}

export type Param = { readonly type: ParamType; readonly value: string | number | boolean };

export function paramsFor(method: string, signature: readonly ParamType[]): fc.Arbitrary<Param[]> {
  // A long poll would hold the request: ask for at most one event and never wait.
  if (method === 'one.event.poll') return fc.constant([0, 1, 0].map((value) => ({ type: 'int' as const, value })));
  return fc.tuple(
    ...signature.map((type): fc.Arbitrary<Param> =>
      (type === 'int' ? fc.integer({ min: -3, max: 5 }) : type === 'boolean' ? fc.boolean() : stringFor(method)).map((value) => ({ type, value })),
    ),
  );
}

/** Character data with each forbidden character raw or as a reference, as `asReference` says. */
function characterData(text: string, asReference: boolean): string {
  let out = '';
  for (const ch of text) {
    const forbidden = findForbiddenCharacter(ch) !== undefined;
    const code = ch.codePointAt(0)!;
    if (forbidden && (asReference || (code >= 0xd800 && code <= 0xdfff))) out += `&#${code};`;
    else if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '\r') out += '&#13;';
    else out += ch;
  }
  return out;
}

export function rawMethodCall(method: string, params: readonly Param[], asReference: boolean): Buffer {
  const value = (p: Param): string =>
    p.type === 'string' ? `<string>${characterData(String(p.value), asReference)}</string>` : p.type === 'int' ? `<int>${p.value}</int>` : `<boolean>${p.value ? 1 : 0}</boolean>`;
  const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param><value>${value(p)}</value></param>`).join('')}</params></methodCall>`;
  return Buffer.from(body, 'utf8');
}
