import { domainError, ErrorCode } from '../events/domain-error.ts';
import { LogWriteError } from '../events/log-write-error.ts';
import { forbiddenParameter } from '../inputs/xml-characters.ts';
import type { Authenticator } from './auth.ts';
import { logWriteFailure } from './log-write-failure.ts';
import { failure, type MethodContext, type OneResponse, type ParamType, type ParamValue, type RpcMethod } from './methods/method.ts';
import { DEFAULT_MAX_STRING_BYTES, oversizedString } from './string-limit.ts';
import type { MethodCall, XmlRpcFault, XmlRpcValue } from './xmlrpc/value.ts';

/** Transport-level fault codes, as xmlrpc-c (the 1.4 server library) numbers them. */
export const FaultCode = {
  INTERNAL: -500,
  PARSE: -503,
  NO_SUCH_METHOD: -506,
  LIMIT_EXCEEDED: -509,
} as const;

export type DispatchResult =
  | { readonly kind: 'response'; readonly value: OneResponse }
  | { readonly kind: 'fault'; readonly fault: XmlRpcFault };

export interface DispatcherDeps {
  readonly table: ReadonlyMap<string, RpcMethod>;
  readonly context: MethodContext;
  readonly auth: Authenticator;
  /** Largest string parameter, in UTF-8 bytes (VM_TEMPLATE_MAX_SIZE). Default DEFAULT_MAX_STRING_BYTES. */
  readonly maxStringBytes?: number;
  /** Called once per unexpected exception, with the method name. */
  readonly onError?: (method: string, error: unknown) => void;
}

const matches = (value: XmlRpcValue, type: ParamType): boolean =>
  type === 'int' ? typeof value === 'number' && Number.isInteger(value) : typeof value === type;

function describeSignature(m: RpcMethod): string {
  return m.signatures.map((s) => `(${['string', ...s].join(', ')})`).join(' or ');
}

/** Checks the session type and one of the method's signatures; returns the typed args. */
function checkParams(m: RpcMethod, params: readonly XmlRpcValue[]): readonly ParamValue[] | undefined {
  if (typeof params[0] !== 'string') return undefined;
  const rest = params.slice(1);
  const ok = m.signatures.some((sig) => sig.length === rest.length && sig.every((t, i) => matches(rest[i], t)));
  return ok ? (rest as ParamValue[]) : undefined;
}

/**
 * One call through the method table: signature check, characters, authentication,
 * then the method (which does its own authorisation). Only a missing
 * method is a fault; everything else answers `[ok, value, code]`.
 */
export async function dispatch(call: MethodCall, deps: DispatcherDeps, client = ''): Promise<DispatchResult> {
  const m = deps.table.get(call.method);
  if (!m) {
    return { kind: 'fault', fault: { faultCode: FaultCode.NO_SUCH_METHOD, faultString: `Method '${call.method}' not defined` } };
  }
  const args = checkParams(m, call.params);
  if (!args) {
    const message = `Wrong parameters for ${m.name}, expected ${describeSignature(m)}`;
    return { kind: 'response', value: failure(domainError(ErrorCode.XML_RPC_API, message)) };
  }
  // Before any scan, authentication or parsing: an oversized template costs none of them.
  const tooLarge = oversizedString(m.name, call.params, deps.maxStringBytes ?? DEFAULT_MAX_STRING_BYTES);
  if (tooLarge) return { kind: 'response', value: failure(domainError(ErrorCode.XML_RPC_API, tooLarge)) };
  // A string (the session included) holding a character XML 1.0 forbids
  // would poison every document it is later printed in, for every user:
  // refused here, once for every method, named (`U+0001`) and never echoed.
  const forbidden = forbiddenParameter(m.name, call.params);
  if (forbidden) return { kind: 'response', value: failure(domainError(ErrorCode.XML_RPC_API, forbidden)) };
  try {
    const caller = await deps.auth.authenticate(call.params[0] as string, client);
    if (caller === undefined) {
      const message = `User not authenticated, aborting ${m.requestName} call.`;
      return { kind: 'response', value: failure(domainError(ErrorCode.AUTHENTICATION, message)) };
    }
    return { kind: 'response', value: await m.invoke(deps.context, caller, args) };
  } catch (error) {
    // A full disk is not a bug: the log reports it once (oned.log), every call it refuses says why.
    if (error instanceof LogWriteError) return { kind: 'response', value: failure(logWriteFailure(m.name, args, error)) };
    deps.onError?.(m.name, error);
    return { kind: 'response', value: failure(domainError(ErrorCode.INTERNAL, `Internal error in ${m.name}`)) };
  }
}
