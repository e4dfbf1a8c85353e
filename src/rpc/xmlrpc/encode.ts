import { escapeXml } from './escape.ts';
import { XmlRpcDouble, type XmlRpcFault, type XmlRpcValue } from './value.ts';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function encodeNumber(n: number, asDouble: boolean): string {
  if (!Number.isFinite(n)) throw new TypeError(`XML-RPC cannot carry ${n}`);
  if (!asDouble && Number.isInteger(n)) {
    if (n >= -0x80000000 && n <= 0x7fffffff) return `<int>${n}</int>`;
    if (Number.isSafeInteger(n)) return `<i8>${n}</i8>`;
  }
  // XML-RPC has no exponent form; toFixed-free String() is accepted by every peer we talk to
  return `<double>${Object.is(n, -0) ? '-0.0' : String(n)}</double>`;
}

function encodeDate(d: Date): string {
  const year = d.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) throw new TypeError('dateTime.iso8601 needs a year 0000-9999');
  return (
    `${pad(year, 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

export function encodeValue(v: XmlRpcValue): string {
  return `<value>${encodeInner(v)}</value>`;
}

function encodeInner(v: XmlRpcValue): string {
  if (v === null) return '<nil/>';
  switch (typeof v) {
    case 'string':
      return `<string>${escapeXml(v)}</string>`;
    case 'number':
      return encodeNumber(v, false);
    case 'boolean':
      return `<boolean>${v ? 1 : 0}</boolean>`;
  }
  if (v instanceof XmlRpcDouble) return encodeNumber(v.value, true);
  if (v instanceof Date) return `<dateTime.iso8601>${encodeDate(v)}</dateTime.iso8601>`;
  if (v instanceof Uint8Array) return `<base64>${Buffer.from(v).toString('base64')}</base64>`;
  if (Array.isArray(v)) return `<array><data>${v.map(encodeValue).join('')}</data></array>`;
  if (typeof v !== 'object') throw new TypeError(`XML-RPC cannot carry a ${typeof v}`);
  const members = Object.keys(v).map(
    (k) => `<member><name>${escapeXml(k)}</name>${encodeValue((v as Record<string, XmlRpcValue>)[k])}</member>`,
  );
  return `<struct>${members.join('')}</struct>`;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const params = (values: readonly XmlRpcValue[]): string =>
  `<params>${values.map((v) => `<param>${encodeValue(v)}</param>`).join('')}</params>`;

export function serializeMethodCall(method: string, values: readonly XmlRpcValue[]): string {
  return `${DECLARATION}<methodCall><methodName>${escapeXml(method)}</methodName>${params(values)}</methodCall>`;
}

export function serializeMethodResponse(value: XmlRpcValue): string {
  return `${DECLARATION}<methodResponse>${params([value])}</methodResponse>`;
}

export function serializeFault(fault: XmlRpcFault): string {
  const body = encodeValue({ faultCode: fault.faultCode, faultString: fault.faultString });
  return `${DECLARATION}<methodResponse><fault>${body}</fault></methodResponse>`;
}
