import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts `server` listening; resolves with the address it bound (port 0
 * becomes the one the system chose), rejects with the listen error
 * (EADDRINUSE, EADDRNOTAVAIL…) so that start-up can report it in one line.
 */
export function listenHttp(server: http.Server, port: number, address: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting and drops every connection at once (servers with nothing worth a grace period). */
export async function closeHttpNow(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
