import { escapeXml } from './escape.ts';
import { EscapedText, XmlRpcDouble, type XmlRpcFault, type XmlRpcValue } from './value.ts';

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

/**
 * Where an encoding goes: markup and escaped text, and already escaped
 * pieces (EscapedText) that the string form decodes and the piece form
 * passes on untouched.
 */
interface Sink {
  text(markup: string): void;
  escaped(text: EscapedText): void;
}

/** Collects one string. */
class StringSink implements Sink {
  out = '';
  text(markup: string): void {
    this.out += markup;
  }
  escaped(text: EscapedText): void {
    this.out += text.toString();
  }
}

/** Collects byte pieces: runs of markup become one Buffer, escaped pieces are kept as they are. */
class PieceSink implements Sink {
  private pending = '';
  readonly parts: Uint8Array[] = [];
  text(markup: string): void {
    this.pending += markup;
  }
  escaped(text: EscapedText): void {
    this.flush();
    // A loop, not push(...parts): 100,000 arguments would overflow the stack.
    for (const part of text.parts) this.parts.push(part);
  }
  flush(): void {
    if (this.pending) this.parts.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }
}

export function encodeValue(v: XmlRpcValue): string {
  const sink = new StringSink();
  encodeInto(v, sink);
  return sink.out;
}

function encodeInto(v: XmlRpcValue, sink: Sink): void {
  sink.text('<value>');
  encodeInner(v, sink);
  sink.text('</value>');
}

function encodeInner(v: XmlRpcValue, sink: Sink): void {
  if (v === null) return sink.text('<nil/>');
  switch (typeof v) {
    case 'string':
      return sink.text(`<string>${escapeXml(v)}</string>`);
    case 'number':
      return sink.text(encodeNumber(v, false));
    case 'boolean':
      return sink.text(`<boolean>${v ? 1 : 0}</boolean>`);
  }
  if (v instanceof EscapedText) {
    sink.text('<string>');
    sink.escaped(v);
    return sink.text('</string>');
  }
  if (v instanceof XmlRpcDouble) return sink.text(encodeNumber(v.value, true));
  if (v instanceof Date) return sink.text(`<dateTime.iso8601>${encodeDate(v)}</dateTime.iso8601>`);
  if (v instanceof Uint8Array) return sink.text(`<base64>${Buffer.from(v).toString('base64')}</base64>`);
  if (Array.isArray(v)) {
    sink.text('<array><data>');
    for (const item of v) encodeInto(item, sink);
    return sink.text('</data></array>');
  }
  if (typeof v !== 'object') throw new TypeError(`XML-RPC cannot carry a ${typeof v}`);
  sink.text('<struct>');
  for (const k of Object.keys(v)) {
    sink.text(`<member><name>${escapeXml(k)}</name>`);
    encodeInto((v as Record<string, XmlRpcValue>)[k], sink);
    sink.text('</member>');
  }
  sink.text('</struct>');
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

/**
 * The same bytes as serializeMethodResponse, as pieces for a vectored
 * write: the pieces of an EscapedText are sent as they are, so a pool
 * document of 100,000 VMs is never copied into one string or buffer.
 */
export function serializeMethodResponsePieces(value: XmlRpcValue): Uint8Array[] {
  const sink = new PieceSink();
  sink.text(`${DECLARATION}<methodResponse><params><param>`);
  encodeInto(value, sink);
  sink.text('</param></params></methodResponse>');
  sink.flush();
  return sink.parts;
}

export function serializeFault(fault: XmlRpcFault): string {
  const body = encodeValue({ faultCode: fault.faultCode, faultString: fault.faultString });
  return `${DECLARATION}<methodResponse><fault>${body}</fault></methodResponse>`;
}
