import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { envNumber } from '../abortable-sleep.ts';

export interface SshSettings {
  readonly user: string;
  /** ONE_SSH_KEY when set; otherwise the first of defaultKeyPaths that exists at connection time. */
  readonly keyPath: string | undefined;
  readonly defaultKeyPaths: readonly string[];
  readonly port: number;
  readonly knownHostsPath: string;
  /** Host-key checking against knownHostsPath; on unless ONE_SSH_STRICT=no. */
  readonly strict: boolean;
  readonly connectTimeoutMs: number;
  /**
   * A link that dies under an open connection (a host cut off mid-copy) sends no
   * error: without keepalives a command waits for an answer that never comes.
   * After `aliveCountMax` unanswered keepalives, `aliveIntervalMs` apart, the
   * connection counts as lost.
   */
  readonly aliveIntervalMs: number;
  readonly aliveCountMax: number;
}

/**
 * SSH settings from the driver's rc file / environment (ONE_SSH_*). Only
 * paths are fixed here: the key and known_hosts are read at each connection
 * (ssh-credentials.ts), so creating them after the driver started works.
 */
export function sshSettingsFromEnv(env: NodeJS.ProcessEnv): SshSettings {
  const home = env.HOME || homedir();
  const port = Number(env.ONE_SSH_PORT || 22);
  return {
    user: env.ONE_SSH_USER || userInfo().username,
    keyPath: env.ONE_SSH_KEY || undefined,
    defaultKeyPaths: ['id_ed25519', 'id_rsa'].map((k) => join(home, '.ssh', k)),
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
    knownHostsPath: env.ONE_SSH_KNOWN_HOSTS || join(home, '.ssh', 'known_hosts'),
    strict: !/^(no|false|0|off)$/i.test(env.ONE_SSH_STRICT ?? ''),
    connectTimeoutMs: Number(env.ONE_SSH_CONNECT_TIMEOUT_MS) || 10_000,
    // 0 or nonsense falls back to the default: keepalives cannot be turned off.
    aliveIntervalMs: envNumber(env, 'ONE_SSH_ALIVE_INTERVAL_MS', 0) || 10_000,
    aliveCountMax: Math.floor(envNumber(env, 'ONE_SSH_ALIVE_COUNT', 0)) || 3,
  };
}
