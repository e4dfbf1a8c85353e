import http from 'node:http';
import https from 'node:https';
import { CliError } from './cli-error.ts';
import { decodeResponse, encodeCall, type XmlRpcValue } from './xmlrpc-codec.ts';

/**
 * Minimal XML-RPC over HTTP(S) for the CLI. Keeping it in-house (instead of a
 * general client library) keeps the bundle small, which is what makes CLI
 * start-up fast enough for shell loops.
 */
export class XmlRpcHttpClient {
  private readonly url: URL;

  constructor(endpoint: string, private readonly timeoutMs = 30_000) {
    try {
      this.url = new URL(endpoint);
    } catch {
      throw new CliError(`ONE_XMLRPC is not a valid URL: ${endpoint}`);
    }
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
      throw new CliError(`ONE_XMLRPC must be an http:// or https:// URL: ${endpoint}`);
    }
  }

  get endpoint(): string {
    return this.url.toString();
  }

  /** Resolves with the response's params; an XML-RPC fault becomes a CliError. */
  async call(method: string, params: readonly XmlRpcValue[]): Promise<XmlRpcValue[]> {
    const body = await this.post(encodeCall(method, params));
    let response;
    try {
      response = decodeResponse(body);
    } catch (err) {
      throw new CliError(`${method}: ${(err as Error).message}`);
    }
    if (response.kind === 'fault') throw new CliError(`${method}: ${response.message} (fault ${response.code})`);
    return response.values;
  }

  private post(payload: string): Promise<string> {
    const transport = this.url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        this.url,
        {
          method: 'POST',
          headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(payload) },
          // One call per process: a pooled keep-alive socket would only delay exit.
          agent: false,
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(this.connectionError(err)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) {
              reject(new CliError(`oned at ${this.endpoint} answered HTTP ${res.statusCode ?? '?'}`));
            } else resolve(text);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => reject(this.connectionError(err)));
      req.end(payload);
    });
  }

  private connectionError(err: Error & { code?: string }): CliError {
    const why = err.code ?? err.message;
    return new CliError(`cannot reach oned at ${this.endpoint} (${why}); is it running? (ONE_XMLRPC)`);
  }
}
