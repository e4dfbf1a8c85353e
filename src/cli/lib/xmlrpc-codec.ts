import { XMLParser } from 'fast-xml-parser';

/**
 * The slice of XML-RPC the CLI needs: encode a call with scalar params and
 * decode any response value. Pure (no I/O) so the tests can feed it text.
 */
export type XmlRpcValue = string | number | boolean | null | XmlRpcValue[] | { [key: string]: XmlRpcValue };

export type XmlRpcResponse =
  | { readonly kind: 'params'; readonly values: XmlRpcValue[] }
  | { readonly kind: 'fault'; readonly code: number; readonly message: string };

export class XmlRpcDecodeError extends Error {
  override name = 'XmlRpcDecodeError';
}

const escapeText = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function encodeValue(value: XmlRpcValue): string {
  if (value === null) return '<value><nil/></value>';
  if (typeof value === 'string') return `<value><string>${escapeText(value)}</string></value>`;
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? `<value><int>${value}</int></value>` : `<value><double>${value}</double></value>`;
  }
  if (Array.isArray(value)) return `<value><array><data>${value.map(encodeValue).join('')}</data></array></value>`;
  const members = Object.entries(value)
    .map(([k, v]) => `<member><name>${escapeText(k)}</name>${encodeValue(v)}</member>`)
    .join('');
  return `<value><struct>${members}</struct></value>`;
}

export function encodeCall(method: string, params: readonly XmlRpcValue[]): string {
  const body = params.map((p) => `<param>${encodeValue(p)}</param>`).join('');
  return `<?xml version="1.0"?><methodCall><methodName>${escapeText(method)}</methodName><params>${body}</params></methodCall>`;
}

// preserveOrder keeps whitespace inside <string> intact while letting us skip
// the indentation text nodes some servers put between structural elements.
const parser = new XMLParser({
  preserveOrder: true,
  trimValues: false,
  parseTagValue: false,
  ignoreAttributes: true,
  processEntities: true,
  htmlEntities: true,
});

type OrderedNode = Record<string, unknown>;

const tagOf = (node: OrderedNode): string | undefined => Object.keys(node).find((k) => k !== ':@');
const childrenOf = (node: OrderedNode): OrderedNode[] => (node[tagOf(node) ?? ''] as OrderedNode[]) ?? [];
const elements = (nodes: OrderedNode[]): OrderedNode[] => nodes.filter((n) => tagOf(n) !== '#text');
const textOf = (nodes: OrderedNode[]): string =>
  nodes.map((n) => (tagOf(n) === '#text' ? String(n['#text']) : '')).join('');

function child(node: OrderedNode, tag: string): OrderedNode {
  const found = elements(childrenOf(node)).find((n) => tagOf(n) === tag);
  if (!found) throw new XmlRpcDecodeError(`malformed XML-RPC response: <${tagOf(node)}> has no <${tag}>`);
  return found;
}

function decodeValue(valueNode: OrderedNode): XmlRpcValue {
  const inner = childrenOf(valueNode);
  const typed = elements(inner)[0];
  // A <value> without a type element is a string, per the XML-RPC spec.
  if (!typed) return textOf(inner);
  const tag = tagOf(typed)!;
  const text = textOf(childrenOf(typed));
  switch (tag) {
    case 'string':
      return text;
    case 'int':
    case 'i4':
    case 'i8':
      return Number.parseInt(text.trim(), 10);
    case 'double':
      return Number.parseFloat(text.trim());
    case 'boolean':
      return text.trim() === '1' || text.trim().toLowerCase() === 'true';
    case 'nil':
      return null;
    case 'dateTime.iso8601':
    case 'base64':
      return text.trim();
    case 'array':
      return elements(childrenOf(child(typed, 'data'))).map(decodeValue);
    case 'struct': {
      const out: Record<string, XmlRpcValue> = {};
      for (const member of elements(childrenOf(typed))) {
        const name = textOf(childrenOf(child(member, 'name')));
        out[name] = decodeValue(child(member, 'value'));
      }
      return out;
    }
    default:
      throw new XmlRpcDecodeError(`unsupported XML-RPC type <${tag}>`);
  }
}

export function decodeResponse(xml: string): XmlRpcResponse {
  let doc: OrderedNode[];
  try {
    doc = parser.parse(xml) as OrderedNode[];
  } catch (err) {
    throw new XmlRpcDecodeError(`unparseable XML-RPC response: ${(err as Error).message}`);
  }
  const root = elements(doc).find((n) => tagOf(n) === 'methodResponse');
  if (!root) throw new XmlRpcDecodeError('malformed XML-RPC response: no <methodResponse>');
  const top = elements(childrenOf(root))[0];
  if (top && tagOf(top) === 'fault') {
    const fault = decodeValue(child(top, 'value'));
    const struct = (fault && typeof fault === 'object' && !Array.isArray(fault) ? fault : {}) as Record<string, XmlRpcValue>;
    return { kind: 'fault', code: Number(struct.faultCode ?? -1), message: String(struct.faultString ?? 'fault') };
  }
  if (!top || tagOf(top) !== 'params') throw new XmlRpcDecodeError('malformed XML-RPC response: no <params>');
  const values = elements(childrenOf(top)).map((param) => decodeValue(child(param, 'value')));
  return { kind: 'params', values };
}
