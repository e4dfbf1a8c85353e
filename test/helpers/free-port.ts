import { createServer } from 'node:net';

/**
 * Ports are picked below Linux's ephemeral range (32768–60999). A port the
 * OS hands out for `listen(0)` comes from that range, and so does the local
 * port of every outgoing connection: under a suite that opens thousands of
 * client connections (floods, crash cycles), such a port is soon the local
 * end of somebody's socket again, and the oned meant to listen on it cannot.
 */
const LOW = 20_000;
const HIGH = 32_000;

function tryListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A TCP port that was free a moment ago on `host`, chosen at random below the ephemeral range. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await tryListen(port, host)) return port;
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} on ${host}`);
}
