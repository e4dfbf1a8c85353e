import { CliError } from './cli-error.ts';

/** The XML-RPC values the CLI sends and reads (oned needs no more). */
export type XmlRpcValue = string | number | boolean | null | XmlRpcValue[] | { [key: string]: XmlRpcValue };

/** Anything that can send one XML-RPC call and hand back its params. */
export interface XmlRpcTransport {
  call(method: string, params: readonly XmlRpcValue[]): Promise<XmlRpcValue[]>;
}

/**
 * Talks to oned the way every ONE call works: the session goes first, and
 * the answer is `[ok, value?, errorCode?]` (1.4 sends two elements at most,
 * 3.x adds the error code). Returns the value, or throws a CliError holding
 * oned's message.
 */
export class OneClient {
  private session: string | undefined;

  constructor(
    private readonly transport: XmlRpcTransport,
    private readonly sessionProvider: () => string,
  ) {}

  async call(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue | undefined> {
    this.session ??= this.sessionProvider();
    const values = await this.transport.call(method, [this.session, ...params]);
    return unwrapOneResponse(method, values);
  }

  async callString(method: string, ...params: XmlRpcValue[]): Promise<string> {
    const value = await this.call(method, ...params);
    if (typeof value !== 'string') throw new CliError(`${method}: expected an XML document, got ${JSON.stringify(value)}`);
    return value;
  }

  async callId(method: string, ...params: XmlRpcValue[]): Promise<number> {
    const value = await this.call(method, ...params);
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new CliError(`${method}: expected an id, got ${JSON.stringify(value)}`);
    }
    return value;
  }
}

export function unwrapOneResponse(method: string, values: readonly XmlRpcValue[]): XmlRpcValue | undefined {
  const answer = values.length === 1 && Array.isArray(values[0]) ? values[0] : values;
  const [ok, value, code] = answer;
  if (typeof ok !== 'boolean') throw new CliError(`${method}: malformed answer from oned`);
  if (!ok) {
    // oned keeps 1.4's "does not exists" on the wire (clients match it); people read it corrected.
    const message = typeof value === 'string' && value !== '' ? value.replace(/ does not exists\b/g, ' does not exist') : `${method} failed`;
    throw new CliError(message, typeof code === 'number' ? code : undefined);
  }
  return value;
}
