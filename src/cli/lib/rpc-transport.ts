import { XmlRpcClient, XmlRpcDouble, XmlRpcFaultError, type XmlRpcValue as RpcValue } from '../../rpc/client.ts';
import { CliError } from './cli-error.ts';
import type { XmlRpcTransport, XmlRpcValue } from './one-client.ts';

/** Narrows the rpc layer's richer value model to what the CLI handles. */
function toCliValue(value: RpcValue): XmlRpcValue {
  if (value instanceof XmlRpcDouble) return value.value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toCliValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCliValue(v as RpcValue)]));
  }
  return value as XmlRpcValue;
}

/**
 * The shared XML-RPC client of src/rpc (DESIGN: the CLI talks to oned only
 * through it), with its failures turned into messages a user can act on.
 */
export class RpcTransport implements XmlRpcTransport {
  private readonly client: XmlRpcClient;

  constructor(private readonly endpoint: string) {
    try {
      this.client = new XmlRpcClient(endpoint, { timeoutMs: 60_000, maxSockets: 1 });
    } catch {
      throw new CliError(`ONE_XMLRPC must be an http:// URL, got "${endpoint}"`);
    }
  }

  async call(method: string, params: readonly XmlRpcValue[]): Promise<XmlRpcValue[]> {
    try {
      return [toCliValue(await this.client.call(method, params))];
    } catch (err) {
      if (err instanceof XmlRpcFaultError) throw new CliError(`${method}: ${err.faultString} (fault ${err.faultCode})`);
      const e = err as NodeJS.ErrnoException;
      if (e.code) throw new CliError(`cannot reach oned at ${this.endpoint} (${e.code}); is it running? (ONE_XMLRPC)`);
      throw new CliError(`${method}: ${e.message}`);
    }
  }
}
