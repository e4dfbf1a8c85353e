import { existsSync } from 'node:fs';
import { isMissing, readCachedFile } from './cached-file.ts';
import { knownHostKeys } from './known-hosts.ts';
import type { SshSettings } from './ssh-settings.ts';

export interface SshCredentials {
  readonly privateKey: Buffer;
  /** Keys known_hosts lists for the host; empty when host keys are not checked. */
  readonly knownKeys: readonly Buffer[];
}

const reason = (err: unknown): string => (isMissing(err) ? 'no such file' : err instanceof Error ? err.message : String(err));

/**
 * The private key and the host's known keys for one connection, looked up
 * now (a stat each, files re-read only when they changed). Throws an Error
 * whose message says which file is missing and what to do.
 */
export function sshCredentials(host: string, settings: SshSettings): SshCredentials {
  return { privateKey: privateKey(settings), knownKeys: settings.strict ? knownKeys(host, settings) : [] };
}

function privateKey(settings: SshSettings): Buffer {
  const path = privateKeyPath(settings);
  try {
    return readCachedFile(path);
  } catch (err) {
    throw new Error(`cannot read private key ${path}${settings.keyPath ? ' (ONE_SSH_KEY)' : ''}: ${reason(err)}`);
  }
}

/**
 * The key file a connection made now would use: ONE_SSH_KEY, else the first
 * of ~/.ssh/id_ed25519, ~/.ssh/id_rsa that exists. For drivers that run the
 * OpenSSH client (`ssh -i <path>`) and so need the path, not the key.
 */
export function privateKeyPath(settings: SshSettings): string {
  if (settings.keyPath) return settings.keyPath;
  const found = settings.defaultKeyPaths.find((path) => existsSync(path));
  if (found) return found;
  throw new Error(`no private key: none of ${settings.defaultKeyPaths.join(', ')} exists (create one with ssh-keygen, or set ONE_SSH_KEY)`);
}

function knownKeys(host: string, settings: SshSettings): Buffer[] {
  let text: string;
  try {
    text = readCachedFile(settings.knownHostsPath).toString('utf8');
  } catch (err) {
    throw new Error(`cannot read known_hosts ${settings.knownHostsPath}: ${reason(err)} (add the host with ssh-keyscan, or set ONE_SSH_STRICT=no)`);
  }
  return knownHostKeys(text, host, settings.port);
}
