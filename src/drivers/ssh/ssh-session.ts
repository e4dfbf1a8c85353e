import { Client } from 'ssh2';
import { sshCredentials, type SshCredentials } from './ssh-credentials.ts';
import type { SshSettings } from './ssh-settings.ts';

export interface ExecResult {
  readonly code: number | null;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** One ssh2 connection: connect with host-key checking, run commands, close. */
export class SshSession {
  /** Why the connection went away under us (keepalives unanswered, socket error); set once. */
  private lost: string | undefined;

  private constructor(
    private readonly client: Client,
    private readonly where: string,
  ) {
    client.on('error', (err) => (this.lost ??= err.message));
    client.once('close', () => (this.lost ??= 'closed by the other side'));
  }

  static connect(host: string, settings: SshSettings, signal?: AbortSignal): Promise<SshSession> {
    return new Promise((resolve, reject) => {
      // Looked up per connection, not at driver start: a key or known_hosts
      // created or changed while oned runs takes effect at once.
      let credentials: SshCredentials;
      try {
        credentials = sshCredentials(host, settings);
      } catch (err) {
        reject(new Error(`ssh to ${host}: ${err instanceof Error ? err.message : String(err)}`));
        return;
      }
      const client = new Client();
      const known = credentials.knownKeys;
      let hostKeyProblem: string | undefined;
      const fail = (err: Error) => {
        client.end();
        const detail = hostKeyProblem ?? err.message;
        reject(new Error(`ssh to ${settings.user}@${host}:${settings.port} failed: ${detail}`));
      };
      const onAbort = () => fail(new Error('cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      client.once('ready', () => {
        signal?.removeEventListener('abort', onAbort);
        client.removeAllListeners('error'); // from now on the session records late errors for exec
        resolve(new SshSession(client, `${settings.user}@${host}:${settings.port}`));
      });
      client.once('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        fail(err);
      });
      const options = {
        host,
        port: settings.port,
        username: settings.user,
        privateKey: credentials.privateKey,
        readyTimeout: settings.connectTimeoutMs,
        keepaliveInterval: settings.aliveIntervalMs,
        keepaliveCountMax: settings.aliveCountMax,
        hostVerifier: (key: Buffer) => {
          if (!settings.strict) return true;
          if (known.length === 0) hostKeyProblem = `host key not found in ${settings.knownHostsPath}`;
          else if (!known.some((k) => k.equals(key))) hostKeyProblem = `HOST KEY MISMATCH (not the key in ${settings.knownHostsPath})`;
          return hostKeyProblem === undefined;
        },
      };
      try {
        client.connect(options);
      } catch (err) {
        // ssh2 throws at once on a key it cannot parse (e.g. a half-written file).
        signal?.removeEventListener('abort', onAbort);
        fail(new Error(`private key: ${err instanceof Error ? err.message : String(err)}`));
      }
    });
  }

  /** Runs one remote command (already quoted by the caller), feeding `stdin` if given. */
  exec(command: string, stdin?: string, signal?: AbortSignal): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      if (this.lost !== undefined) return reject(new Error(`ssh to ${this.where}: connection lost (${this.lost})`));
      this.client.exec(command, (err, stream) => {
        if (err) return reject(err);
        let stdout = '';
        let stderr = '';
        const onAbort = () => {
          stream.close();
          reject(new Error('cancelled'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        stream.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        stream.on('close', (code: number | null, sig?: string) => {
          signal?.removeEventListener('abort', onAbort);
          // No exit status because the connection died: say so, rather than "exit unknown".
          if (code == null && sig === undefined && this.lost !== undefined) {
            reject(new Error(`ssh to ${this.where}: connection lost (${this.lost})`));
            return;
          }
          resolve({ code: code ?? null, signal: sig, stdout, stderr });
        });
        stream.end(stdin ?? '');
      });
    });
  }

  close(): void {
    this.client.end();
  }
}
