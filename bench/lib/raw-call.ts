import http from 'node:http';
import { serializeMethodCall } from '../../src/rpc/xmlrpc/encode.ts';
import type { XmlRpcValue } from '../../src/rpc/xmlrpc/value.ts';
import { percentile } from './report.ts';

/**
 * Raw HTTP timing of one XML-RPC call, as the issue measured OpenNebula:
 * from sending the request until the last byte is in (not counting
 * joining the received pieces), over one kept-alive socket, no decoding. Every answer must start as a success
 * (`<boolean>1</boolean>`), so that a failing call cannot look fast.
 */
export async function rawCallMs(port: number, method: string, params: readonly XmlRpcValue[], samples: number): Promise<{ p50: number; last: Buffer }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = Buffer.from(serializeMethodCall(method, params));
  const times: number[] = [];
  let last: Buffer = Buffer.alloc(0);
  try {
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      let received = 0;
      last = await post(agent, port, request, () => (received = performance.now()));
      times.push(received - started);
      if (!last.subarray(0, 200).toString('latin1').includes('<value><boolean>1</boolean></value>')) {
        throw new Error(`${method} failed: ${last.subarray(0, 400).toString('utf8')}`);
      }
    }
  } finally {
    agent.destroy();
  }
  return { p50: Math.round(percentile(times, 50) * 10) / 10, last };
}

/** POSTs `body` to /RPC2; `onReceived` is called when the last byte is in, before the pieces are joined. */
export function post(agent: http.Agent, port: number, body: Buffer, onReceived: () => void = () => {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/RPC2', method: 'POST', agent, headers: { 'Content-Type': 'text/xml', 'Content-Length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          onReceived();
          resolve(Buffer.concat(chunks));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
