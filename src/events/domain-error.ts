/**
 * Domain rejections are data, not exceptions. Each carries one of the
 * OpenNebula 3.x error codes (spec §3.7), which the XML-RPC layer returns as
 * the third element of `[ok, value, errorCode]`.
 */
export const ErrorCode = {
  SUCCESS: 0x0000,
  AUTHENTICATION: 0x0100,
  AUTHORIZATION: 0x0200,
  NO_EXISTS: 0x0400,
  ACTION: 0x0800, // "wrong state"
  XML_RPC_API: 0x1000, // bad parameters
  INTERNAL: 0x2000,
  ALLOCATE: 0x4000,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface DomainError {
  readonly code: ErrorCodeValue;
  /** OpenNebula-style English sentence, shown to the user as is. */
  readonly message: string;
}

export const domainError = (code: ErrorCodeValue, message: string): DomainError => ({ code, message });

export const wrongState = (message = 'Wrong state to perform action'): DomainError =>
  domainError(ErrorCode.ACTION, message);
