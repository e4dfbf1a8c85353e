import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { XmlRpcClient } from '../../../src/rpc/client.ts';
import { serializeMethodResponse } from '../../../src/rpc/xmlrpc/encode.ts';

/**
 * A hand-rolled HTTP peer: it answers the first request on every connection
 * and drops the connection on the second, as a server does when its
 * keep-alive timeout fires just as the client reuses the socket.
 */
function flakyServer(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let requests = 0;
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d;
      if (!buffered.includes('</methodCall>')) return;
      buffered = '';
      requests++;
      if (requests > 1) {
        socket.destroy();
        return;
      }
      const body = serializeMethodResponse([true, connections, 0]);
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        connections: () => connections,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}

describe('XmlRpcClient', () => {
  it('retries once on a fresh socket when a kept-alive socket turns out dead', async () => {
    const server = await flakyServer();
    const client = new XmlRpcClient(`http://127.0.0.1:${server.port}/RPC2`, { maxSockets: 1 });
    try {
      assert.deepEqual(await client.call('one.system.version', ['s']), [true, 1, 0]);
      assert.deepEqual(await client.call('one.system.version', ['s']), [true, 2, 0]);
      assert.equal(server.connections(), 2);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('refuses to send a character XML 1.0 forbids instead of changing it, and sends nothing', async () => {
    const server = await flakyServer();
    const client = new XmlRpcClient(`http://127.0.0.1:${server.port}/RPC2`);
    try {
      await assert.rejects(client.call('one.vm.allocate', ['s', 'NAME = a\u0001b']), {
        message: 'Parameter 2 of one.vm.allocate contains U+0001 at character 9, a character XML 1.0 does not allow',
      });
      assert.equal(server.connections(), 0);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('refuses non-http endpoints', () => {
    assert.throws(() => new XmlRpcClient('https://example.org/RPC2'));
  });
});
