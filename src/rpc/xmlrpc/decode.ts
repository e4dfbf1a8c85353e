import { parseXmlTree, XmlSyntaxError, type XmlElement } from './xml-tree.ts';
import { XmlRpcDouble, type MethodCall, type MethodResponse, type XmlRpcValue } from './value.ts';

/** Thrown for a body that is well-formed XML but not valid XML-RPC (or not XML at all). */
export class XmlRpcDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlRpcDecodeError';
  }
}

const INT = /^[+-]?\d+$/;
const DOUBLE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATE_TIME = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

const bad = (message: string): never => {
  throw new XmlRpcDecodeError(message);
};

/** Child elements only; stray text between elements must be blank. */
function elements(el: XmlElement): XmlElement[] {
  if (el.text.trim() !== '') bad(`unexpected text inside <${el.name}>`);
  return el.children;
}

function only(el: XmlElement, name: string): XmlElement {
  const kids = elements(el);
  if (kids.length !== 1 || kids[0].name !== name) bad(`<${el.name}> must contain exactly one <${name}>`);
  return kids[0];
}

function leaf(el: XmlElement): string {
  if (el.children.length > 0) bad(`<${el.name}> must not contain elements`);
  return el.text;
}

function parseInteger(text: string, bits: 32 | 64): number {
  const t = text.trim();
  if (!INT.test(t)) bad(`bad integer '${t}'`);
  const n = Number(t);
  const ok = bits === 32 ? n >= -0x80000000 && n <= 0x7fffffff : Number.isSafeInteger(n);
  if (!ok) bad(`integer out of range '${t}'`);
  return n;
}

function parseDateTime(text: string): Date {
  const m = DATE_TIME.exec(text.trim()) ?? bad(`bad dateTime.iso8601 '${text}'`);
  const zone = m[7] === undefined || m[7] === 'Z' ? 'Z' : m[7].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`);
  if (Number.isNaN(date.getTime())) bad(`bad dateTime.iso8601 '${text}'`);
  return date;
}

export function decodeValue(value: XmlElement): XmlRpcValue {
  if (value.name !== 'value') bad(`expected <value>, found <${value.name}>`);
  if (value.children.length === 0) return value.text; // untyped value = string
  const typed = only(value, value.children[0].name);
  switch (typed.name) {
    case 'int':
    case 'i4':
      return parseInteger(leaf(typed), 32);
    case 'i8':
      return parseInteger(leaf(typed), 64);
    case 'boolean': {
      const t = leaf(typed).trim();
      if (t === '1' || t === 'true') return true;
      if (t === '0' || t === 'false') return false;
      return bad(`bad boolean '${t}'`);
    }
    case 'string':
      return leaf(typed);
    case 'double': {
      const t = leaf(typed).trim();
      if (!DOUBLE.test(t)) bad(`bad double '${t}'`);
      return new XmlRpcDouble(Number(t));
    }
    case 'base64': {
      const t = leaf(typed).replace(/\s+/g, '');
      if (!BASE64.test(t) || t.length % 4 !== 0) bad('bad base64');
      return new Uint8Array(Buffer.from(t, 'base64'));
    }
    case 'dateTime.iso8601':
      return parseDateTime(leaf(typed));
    case 'nil':
    case 'ex:nil':
      if (leaf(typed).trim() !== '') bad('<nil/> must be empty');
      return null;
    case 'array': {
      const data = only(typed, 'data');
      return elements(data).map(decodeValue);
    }
    case 'struct': {
      const out: Record<string, XmlRpcValue> = {};
      for (const member of elements(typed)) {
        if (member.name !== 'member') bad(`expected <member>, found <${member.name}>`);
        const kids = elements(member);
        const name = kids.find((k) => k.name === 'name');
        const val = kids.find((k) => k.name === 'value');
        if (kids.length !== 2 || !name || !val) bad('<member> needs one <name> and one <value>');
        // defineProperty so that a member called "__proto__" stays data
        Object.defineProperty(out, leaf(name!), {
          value: decodeValue(val!),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      return bad(`unknown value type <${typed.name}>`);
  }
}

function parseParams(params: XmlElement | undefined): XmlRpcValue[] {
  if (!params) return [];
  return elements(params).map((p) => {
    if (p.name !== 'param') bad(`expected <param>, found <${p.name}>`);
    return decodeValue(only(p, 'value'));
  });
}

function tree(xml: string): XmlElement {
  try {
    return parseXmlTree(xml);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new XmlRpcDecodeError(`malformed XML: ${e.message}`);
    throw e;
  }
}

export function parseMethodCall(xml: string): MethodCall {
  const root = tree(xml);
  if (root.name !== 'methodCall') bad(`expected <methodCall>, found <${root.name}>`);
  const kids = elements(root);
  const nameEl = kids[0];
  if (!nameEl || nameEl.name !== 'methodName') bad('<methodName> missing');
  const method = leaf(nameEl).trim();
  if (!/^[A-Za-z0-9_.:/]+$/.test(method)) bad('bad method name');
  if (kids.length > 2 || (kids[1] && kids[1].name !== 'params')) bad('unexpected element in <methodCall>');
  return { method, params: parseParams(kids[1]) };
}

export function parseMethodResponse(xml: string): MethodResponse {
  const root = tree(xml);
  if (root.name !== 'methodResponse') bad(`expected <methodResponse>, found <${root.name}>`);
  const body = only(root, root.children[0]?.name ?? 'params');
  if (body.name === 'params') return { kind: 'params', params: parseParams(body) };
  if (body.name !== 'fault') return bad(`unexpected <${body.name}> in <methodResponse>`);
  const fault = decodeValue(only(body, 'value'));
  const code = (fault as { faultCode?: unknown }).faultCode;
  const message = (fault as { faultString?: unknown }).faultString;
  if (typeof code !== 'number' || typeof message !== 'string') bad('malformed fault');
  return { kind: 'fault', fault: { faultCode: code as number, faultString: message as string } };
}
