import { domainError, ErrorCode, type DomainError } from '../../events/domain-error.ts';
import type { CorePort, Result } from '../core-port.ts';
import type { XmlRpcValue } from '../xmlrpc/value.ts';

/** Every OpenNebula answer has the 3.x shape `[ok, value-or-message, errorCode]`. */
export type OneResponse = readonly [true, XmlRpcValue, 0] | readonly [false, string, number];

export const success = (value: XmlRpcValue): OneResponse => [true, value, 0];
export const failure = (e: DomainError): OneResponse => [false, e.message, e.code];

/** Parameter kinds after the session string. */
export type ParamType = 'int' | 'string' | 'boolean';
type TypeOf<P extends ParamType> = P extends 'int' ? number : P extends 'string' ? string : boolean;
export type Args<Ps extends readonly ParamType[]> = { -readonly [K in keyof Ps]: TypeOf<Ps[K]> };
export type ParamValue = number | string | boolean;

export interface MethodContext {
  readonly core: CorePort;
  /** Turns a session token (SHA-1 hex) into the stored salted hash. */
  readonly hashPassword: (token: string) => Promise<string>;
}

export interface RpcMethod {
  readonly name: string;
  /** 1.4 request class, quoted in "User not authenticated, aborting <it> call." */
  readonly requestName: string;
  /** Accepted parameter lists after the session string (more than one = overloads). */
  readonly signatures: readonly (readonly ParamType[])[];
  invoke(ctx: MethodContext, caller: number, args: readonly ParamValue[]): Promise<OneResponse>;
}

/** A method with one signature, its handler typed after that signature. */
export function defineMethod<const Ps extends readonly ParamType[]>(
  name: string,
  requestName: string,
  params: Ps,
  handler: (ctx: MethodContext, caller: number, ...args: Args<Ps>) => Promise<OneResponse> | OneResponse,
): RpcMethod {
  return {
    name,
    requestName,
    signatures: [params],
    invoke: async (ctx, caller, args) => handler(ctx, caller, ...(args as unknown as Args<Ps>)),
  };
}

export const ONEADMIN = 0;

export const notAuthorized = (kind: string, id: number): DomainError =>
  domainError(ErrorCode.AUTHORIZATION, `User not authorized to perform operation upon ${kind} [${id}]`);

export const onlyOneadmin = (what: string): DomainError =>
  domainError(ErrorCode.AUTHORIZATION, `Only oneadmin can ${what}`);

export const noSuch = (what: string, id: number): DomainError =>
  domainError(ErrorCode.NO_EXISTS, `The ${what} ${id} does not exists`);

export const badParameter = (message: string): DomainError => domainError(ErrorCode.XML_RPC_API, message);

/** Maps a command result: the object id on success (what the 3.x Ruby OCA expects). */
export const answer = <T>(result: Result<T>, onSuccess: (value: T) => XmlRpcValue): OneResponse =>
  result.ok ? success(onSuccess(result.value)) : failure(result.error);
