import http from 'node:http';
import { XmlRpcClient } from '../../../src/rpc/client.ts';
import { RpcServer, type RpcServerOptions } from '../../../src/rpc/server.ts';
import { FakeCore, TEST_SCRYPT } from './fake-core.ts';

export interface Harness {
  readonly core: FakeCore;
  readonly server: RpcServer;
  readonly client: XmlRpcClient;
  readonly url: string;
  stop(): Promise<void>;
}

/** A server on a free loopback port over a fresh FakeCore, plus a client. */
export async function startHarness(options: Partial<RpcServerOptions> = {}): Promise<Harness> {
  const core = await FakeCore.create();
  const server = await RpcServer.start({ core, listenAddress: '127.0.0.1', port: 0, scrypt: TEST_SCRYPT, ...options });
  const url = `http://127.0.0.1:${server.port}/RPC2`;
  const client = new XmlRpcClient(url);
  return {
    core,
    server,
    client,
    url,
    stop: async () => {
      client.close();
      await server.close(500);
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly reusedSocket: boolean;
}

/** A plain HTTP request, for bodies the XML-RPC client would never send. */
export function rawPost(url: string, body: string | Buffer, options: { agent?: http.Agent; method?: string; path?: string } = {}): Promise<RawResponse> {
  const target = new URL(url);
  if (options.path) target.pathname = options.path;
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method: options.method ?? 'POST', agent: options.agent, headers: { 'Content-Type': 'text/xml' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), reusedSocket: req.reusedSocket }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
