import http from 'node:http';
import { parseOneAuth, sessionOf } from './one-auth.ts';
import { parseMethodResponse } from './xmlrpc/decode.ts';
import { forbiddenParameter } from '../inputs/xml-characters.ts';
import { serializeMethodCall } from './xmlrpc/encode.ts';
import type { XmlRpcValue } from './xmlrpc/value.ts';

export { XmlRpcDouble } from './xmlrpc/value.ts';
export type { XmlRpcValue, XmlRpcStruct } from './xmlrpc/value.ts';

/**
 * Builds the 1.4 session string from a `one_auth` line (`user:password` in
 * clear): `user:sha1hex(password)`. Throws on a line without a colon.
 */
export function sessionFromOneAuth(line: string): string {
  const credentials = parseOneAuth(line);
  if (!credentials) throw new Error('one_auth must contain user:password');
  return sessionOf(credentials);
}

/** An XML-RPC `<fault>` answer (transport-level: unknown method, malformed request…). */
export class XmlRpcFaultError extends Error {
  constructor(readonly faultCode: number, readonly faultString: string) {
    super(`XML-RPC fault ${faultCode}: ${faultString}`);
    this.name = 'XmlRpcFaultError';
  }
}

class StaleSocketError extends Error {}

export interface XmlRpcClientOptions {
  /** Per-call timeout in milliseconds (default 120 s, above the 60 s longest one.event.poll wait). */
  readonly timeoutMs?: number;
  /** Keep-alive sockets kept open towards the server (default 8). */
  readonly maxSockets?: number;
}

/**
 * XML-RPC over HTTP/1.1 with keep-alive, for the CLI, the scheduler and tests.
 * `call` resolves with the single response param (for OpenNebula methods the
 * `[ok, value, code]` array) and rejects with XmlRpcFaultError on a fault.
 */
export class XmlRpcClient {
  readonly url: URL;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;

  constructor(endpoint: string = process.env.ONE_XMLRPC ?? 'http://localhost:2633/RPC2', options: XmlRpcClientOptions = {}) {
    this.url = new URL(endpoint);
    if (this.url.protocol !== 'http:') throw new Error(`unsupported XML-RPC endpoint ${endpoint}`);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 8 });
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  async call(method: string, params: readonly XmlRpcValue[] = []): Promise<XmlRpcValue> {
    // The encoder would write U+FFFD for these, silently changing what the user gave: say so instead.
    const forbidden = forbiddenParameter(method, params);
    if (forbidden) throw new Error(forbidden);
    const body = Buffer.from(serializeMethodCall(method, params), 'utf8');
    try {
      return await this.post(method, body);
    } catch (error) {
      // The server may close an idle kept-alive socket just as we reuse it; the
      // request never reached it then, so one retry on a fresh socket is safe.
      if (!(error instanceof StaleSocketError)) throw error;
      return this.post(method, body);
    }
  }

  private post(method: string, body: Buffer): Promise<XmlRpcValue> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'Content-Type': 'text/xml', 'Content-Length': body.length },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            if (res.statusCode !== 200) {
              reject(new Error(`XML-RPC HTTP ${res.statusCode} from ${this.url.href}`));
              return;
            }
            try {
              const response = parseMethodResponse(Buffer.concat(chunks).toString('utf8'));
              if (response.kind === 'fault') {
                reject(new XmlRpcFaultError(response.fault.faultCode, response.fault.faultString));
              } else if (response.params.length !== 1) {
                reject(new Error(`XML-RPC response with ${response.params.length} params`));
              } else {
                resolve(response.params[0]);
              }
            } catch (e) {
              reject(e);
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`XML-RPC call ${method} timed out`)));
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(req.reusedSocket && e.code === 'ECONNRESET' ? new StaleSocketError() : e),
      );
      req.end(body);
    });
  }

  /** Closes the kept-alive sockets; the client must not be used afterwards. */
  close(): void {
    this.agent.destroy();
  }
}
