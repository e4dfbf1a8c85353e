import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Start-up problems a user can fix, each said in one line (oned and
 * `one start` print it as is): what is wrong, with the path, address or
 * port it is about. The stack of the error, if any, goes to oned.log only.
 */

const errorCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Creates the var directory when it is missing; undefined when it is usable. */
export function varDirProblem(path: string): string | undefined {
  try {
    mkdirSync(path, { recursive: true });
    if (statSync(path).isDirectory()) return undefined;
  } catch (e) {
    if (errorCode(e) !== 'EEXIST' && errorCode(e) !== 'ENOTDIR') return `cannot create the var directory ${path}: ${errorText(e)}`;
  }
  return `${path} is a file, but oned needs a directory there (its var directory)`;
}

/** Why an SQLite file (one.db, monitoring.db) could not be opened. */
export function databaseProblem(path: string, e: unknown): string {
  if (existsSync(path) && statSync(path).isDirectory()) return `${path} is a directory, not an SQLite database`;
  if (errorCode(e) === 'SQLITE_NOTADB') return `${path} is not an SQLite database`;
  return `cannot open ${path}: ${errorText(e)}`;
}

/** The oned.conf keys a listening socket comes from, named in its start-up errors. */
export interface ListenKeys {
  readonly port: string;
  readonly address: string;
}

const RPC_KEYS: ListenKeys = { port: 'PORT', address: 'LISTEN_ADDRESS' };

/** Why oned cannot listen on `host:port` (PORT and LISTEN_ADDRESS in oned.conf, or the keys given). */
export function listenProblem(host: string, port: number, e: unknown, keys: ListenKeys = RPC_KEYS): string {
  switch (errorCode(e)) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use (${keys.port} in oned.conf)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return `${keys.address} ${host} does not resolve to an address (oned.conf)`;
    case 'EADDRNOTAVAIL':
      return `${keys.address} ${host} is not an address of this machine (oned.conf)`;
    case 'EACCES':
      return `no permission to listen on port ${port} (${keys.port} in oned.conf)`;
    default:
      return `cannot listen on ${host}:${port}: ${errorText(e)}`;
  }
}

/**
 * Binds `host:port` for a moment and lets it go: run before anything else
 * starts (stores, drivers), so that a port in use or an address that does
 * not resolve stops start-up with nothing to undo.
 */
export function probeListen(host: string, port: number, keys: ListenKeys = RPC_KEYS): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (e) => resolve(listenProblem(host, port, e, keys)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}
