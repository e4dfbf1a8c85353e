/**
 * The XML-RPC data model. Plain JS values where the mapping is unambiguous;
 * `XmlRpcDouble` marks a `<double>` so that an integer-valued double
 * (e.g. 1.0) survives a round trip and parameter checks can tell `<int>`
 * from `<double>`.
 */
export class XmlRpcDouble {
  constructor(readonly value: number) {}
}

/**
 * A `<string>` whose text is already escaped for XML character data, in
 * pieces: large pool documents are sent from per-object pieces rendered and
 * escaped once per change, without being joined into one string first.
 * Only the server writes it; the decoder never produces it.
 */
export class EscapedText {
  constructor(readonly parts: readonly Uint8Array[]) {}

  /** The escaped text as one string (for the string encoder; the server sends `parts`). */
  toString(): string {
    const utf8 = new TextDecoder();
    return this.parts.map((p) => utf8.decode(p, { stream: true })).join('') + utf8.decode();
  }
}

export interface XmlRpcStruct {
  readonly [member: string]: XmlRpcValue;
}

export type XmlRpcValue =
  | number // <int>/<i4>/<i8> (a non-integer number is written as <double>)
  | boolean
  | string
  | null // <nil/>
  | Date // <dateTime.iso8601>
  | Uint8Array // <base64>
  | XmlRpcDouble
  | EscapedText
  | readonly XmlRpcValue[]
  | XmlRpcStruct;

export interface MethodCall {
  readonly method: string;
  readonly params: readonly XmlRpcValue[];
}

export interface XmlRpcFault {
  readonly faultCode: number;
  readonly faultString: string;
}

export type MethodResponse =
  | { readonly kind: 'params'; readonly params: readonly XmlRpcValue[] }
  | { readonly kind: 'fault'; readonly fault: XmlRpcFault };
