import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/** Needs Debian's openssh-server (/usr/sbin/sshd) and ssh-keygen. */
export const SSHD = '/usr/sbin/sshd';

export interface SshHost {
  readonly address: string;
  readonly port: number;
  readonly keyPath: string;
  readonly knownHostsPath: string;
  readonly user: string;
}

export interface SshHosts {
  readonly hosts: readonly SshHost[];
  readonly keyPath: string;
  readonly knownHostsPath: string;
  readonly user: string;
  readonly dir: string;
  pid(i: number): number | undefined;
  /** SIGKILL host i's sshd by pid. */
  kill(i: number): Promise<void>;
  /** Start host i's sshd again on the same address, port and host key. */
  restart(i: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SshHostsOptions {
  /** First loopback address is 127.0.0.<firstOctet>; default 2. */
  readonly firstOctet?: number;
  /**
   * All hosts listen on the same port (on their own address), like real
   * hosts on port 22, so one ONE_SSH_PORT reaches them all. Default true.
   */
  readonly samePort?: boolean;
  /**
   * The hosts' addresses instead of 127.0.0.x, and the one port they all listen on, taken
   * as given: for hosts in network namespaces of their own (netns-hosts.ts), whose
   * addresses and ports the test process cannot bind to check them.
   */
  readonly listen?: { readonly addresses: readonly string[]; readonly port: number };
  /**
   * Words put before the sshd command at each start of host i, e.g. `nsenter -t PID -m --` so
   * that the host's sshd runs in the mount namespace of its libvirtd (libvirt-hosts.ts). The
   * prefix must exec sshd, so that the pid this helper kills stays sshd's.
   */
  readonly launchPrefix?: (i: number) => readonly string[];
  /**
   * More variables for host i's sessions (sshd's SetEnv, which also overrides
   * PATH), e.g. a PATH that puts stand-in programs first. Values must be plain
   * (no blanks or quotes).
   */
  readonly env?: (i: number) => Readonly<Record<string, string>>;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * Starts `n` real OpenSSH daemons, each on its own loopback address and a
 * free port, sharing one client key; writes a known_hosts file for them.
 */
export async function startSshHosts(n: number, opts: SshHostsOptions = {}): Promise<SshHosts> {
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation dir sshd insists on
  const dir = mkdtempSync(join(tmpdir(), 'one-sshd-'));
  const keyPath = join(dir, 'client_key');
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'one-ts-test', '-f', keyPath]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${keyPath}.pub`));
  const knownHostsPath = join(dir, 'known_hosts');
  const user = userInfo().username;
  const first = opts.firstOctet ?? 2;
  const configs: string[] = [];
  const hosts: SshHost[] = [];
  const known: string[] = [];
  const addresses = opts.listen?.addresses ?? Array.from({ length: n }, (_, i) => `127.0.0.${first + i}`);
  const shared = opts.listen?.port ?? (opts.samePort === false ? undefined : await commonFreePort(addresses));
  for (let i = 0; i < n; i++) {
    const address = addresses[i];
    const port = shared ?? (await freePort(address));
    const hostDir = join(dir, `host${i}`);
    mkdirSync(hostDir);
    const hostKey = join(hostDir, 'ssh_host_ed25519_key');
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    const config = join(hostDir, 'sshd_config');
    writeFileSync(config, [
      `ListenAddress ${address}:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(hostDir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin yes',
      'LogLevel ERROR',
      // Sessions get a home of their own: bash run by sshd sources ~/.bashrc, and this
      // machine's (pyenv's init) costs 1.5-2 s a command, which made every probe run slow.
      `SetEnv ${setEnvWords(hostDir, opts.env?.(i) ?? {})}`,
      '',
    ].join('\n'));
    configs.push(config);
    const [type, blob] = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
    known.push(`[${address}]:${port} ${type} ${blob}`);
    hosts.push({ address, port, keyPath, knownHostsPath, user });
  }
  writeFileSync(knownHostsPath, `${known.join('\n')}\n`);

  const children: (ChildProcess | undefined)[] = [];
  const launch = async (i: number) => {
    const argv = [...(opts.launchPrefix?.(i) ?? []), SSHD, '-D', '-e', '-f', configs[i]];
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    children[i] = child;
    await waitForPort(hosts[i].address, hosts[i].port, child, () => stderr);
  };
  const kill = async (i: number) => {
    const child = children[i];
    children[i] = undefined;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid, 'SIGKILL');
    await exited;
  };
  try {
    for (let i = 0; i < n; i++) await launch(i);
  } catch (err) {
    for (let i = 0; i < n; i++) await kill(i);
    throw err;
  }
  return {
    hosts, keyPath, knownHostsPath, user, dir,
    pid: (i) => children[i]?.pid,
    kill,
    restart: async (i) => {
      await kill(i);
      await launch(i);
    },
    stop: async () => {
      for (let i = 0; i < n; i++) await kill(i);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** sshd reads only the first SetEnv line, so HOME and the caller's variables share one. */
function setEnvWords(home: string, extra: Readonly<Record<string, string>>): string {
  const vars = { HOME: home, ...extra };
  for (const [k, v] of Object.entries(vars)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || /[\s"'\\]/.test(v)) throw new Error(`SetEnv cannot carry ${k}=${v}`);
  }
  return Object.entries(vars).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** A port free on every address: take one the OS offers on the first, check the others. */
async function commonFreePort(addresses: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort(addresses[0]);
    const free = await Promise.all(addresses.slice(1).map((a) => canListen(a, port)));
    if (free.every(Boolean)) return port;
  }
  throw new Error(`no port free on all of ${addresses.join(', ')}`);
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function waitForPort(host: string, port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd on ${host}:${port} exited: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd on ${host}:${port} did not start: ${stderr()}`);
}
