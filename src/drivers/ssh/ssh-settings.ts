import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface SshSettings {
  readonly user: string;
  readonly keyPath: string | undefined;
  readonly port: number;
  readonly knownHostsPath: string;
  /** Host-key checking against knownHostsPath; on unless ONE_SSH_STRICT=no. */
  readonly strict: boolean;
  readonly connectTimeoutMs: number;
}

/** SSH settings from the driver's rc file / environment (ONE_SSH_*). */
export function sshSettingsFromEnv(env: NodeJS.ProcessEnv): SshSettings {
  const home = env.HOME || homedir();
  const defaultKey = ['id_ed25519', 'id_rsa'].map((k) => join(home, '.ssh', k)).find((p) => existsSync(p));
  const port = Number(env.ONE_SSH_PORT || 22);
  return {
    user: env.ONE_SSH_USER || userInfo().username,
    keyPath: env.ONE_SSH_KEY || defaultKey,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
    knownHostsPath: env.ONE_SSH_KNOWN_HOSTS || join(home, '.ssh', 'known_hosts'),
    strict: !/^(no|false|0|off)$/i.test(env.ONE_SSH_STRICT ?? ''),
    connectTimeoutMs: Number(env.ONE_SSH_CONNECT_TIMEOUT_MS) || 10_000,
  };
}
