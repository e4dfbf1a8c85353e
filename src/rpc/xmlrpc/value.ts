/**
 * The XML-RPC data model. Plain JS values where the mapping is unambiguous;
 * `XmlRpcDouble` marks a `<double>` so that an integer-valued double
 * (e.g. 1.0) survives a round trip and parameter checks can tell `<int>`
 * from `<double>`.
 */
export class XmlRpcDouble {
  constructor(readonly value: number) {}
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
