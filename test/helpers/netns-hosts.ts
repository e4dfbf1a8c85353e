import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { startSshHosts, type SshHosts, type SshHostsOptions } from './sshd-hosts.ts';

/**
 * Test hosts that can really be cut off: each host is an OpenSSH sshd in a network namespace of
 * its own, reached from the test process (the front-end) through a veth pair with a /30 of
 * 100.64.0.0/10 (shared address space, which no real network here uses). `cut(i)` takes the
 * host's end of the link down: from then on packets to and from it are lost without any error
 * sent back, as when a cable is pulled, so a connection open across it hangs rather than fails.
 * Needs root and iproute2. Namespace and link names are unique per test run (pid, a counter),
 * and everything is deleted by stop(), or when the test process exits without calling it.
 */
export interface NetnsHosts {
  readonly ssh: SshHosts;
  /** Host i's namespace name, e.g. for `ip netns exec`. */
  readonly namespaces: readonly string[];
  /** Host i's end of the link goes down: everything sent to it or from it is lost. */
  cut(i: number): void;
  /** The link is up again. */
  heal(i: number): void;
  stop(): Promise<void>;
}

/** sshd's port inside every namespace: all ports are free there. Not 22, which known_hosts writes without [host]:port. */
const SSH_PORT = 2022;
let runs = 0;

export async function startNetnsHosts(n: number, opts: Pick<SshHostsOptions, 'env'> = {}): Promise<NetnsHosts> {
  if (n < 1 || n > 8) throw new Error('netns-hosts: 1 to 8 hosts');
  const tag = `${process.pid.toString(36)}${(runs++).toString(36)}`;
  const block = freeBlock();
  const links = Array.from({ length: n }, (_, i) => ({
    ns: `onets-${tag}-${i}`,
    outer: `ot${tag}${i}a`, // interface names: 15 characters at most
    inner: `ot${tag}${i}b`,
    front: addressAt(block + 4 * i + 1),
    host: addressAt(block + 4 * i + 2),
  }));
  let ssh: SshHosts | undefined;
  const removeAll = () => {
    for (const l of links) {
      // Processes left in a namespace (sessions, commands they started) keep it and its link alive.
      for (const pid of ip(['netns', 'pids', l.ns], true).split(/\s+/).filter(Boolean)) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone already */ }
      }
      ip(['link', 'del', l.outer], true);
      ip(['netns', 'del', l.ns], true);
    }
  };
  const onExit = () => {
    for (let i = 0; i < n; i++) { const pid = ssh?.pid(i); if (pid) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    removeAll();
  };
  process.once('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    await ssh?.stop();
    removeAll();
  };
  try {
    for (const l of links) {
      ip(['netns', 'add', l.ns]);
      ip(['link', 'add', l.outer, 'type', 'veth', 'peer', 'name', l.inner, 'netns', l.ns]);
      ip(['addr', 'add', `${l.front}/30`, 'dev', l.outer]);
      ip(['link', 'set', l.outer, 'up']);
      ip(['-n', l.ns, 'addr', 'add', `${l.host}/30`, 'dev', l.inner]);
      ip(['-n', l.ns, 'link', 'set', l.inner, 'up']);
      ip(['-n', l.ns, 'link', 'set', 'lo', 'up']);
    }
    ssh = await startSshHosts(n, {
      ...opts,
      listen: { addresses: links.map((l) => l.host), port: SSH_PORT },
      // `ip netns exec` execs sshd, so the pid the sshd helper kills stays sshd's.
      launchPrefix: (i) => ['ip', 'netns', 'exec', links[i].ns],
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    ssh,
    namespaces: links.map((l) => l.ns),
    cut: (i) => void ip(['-n', links[i].ns, 'link', 'set', links[i].inner, 'down']),
    heal: (i) => void ip(['-n', links[i].ns, 'link', 'set', links[i].inner, 'up']),
    stop,
  };
}

function ip(args: string[], quiet = false): string {
  try {
    return execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (err) {
    if (quiet) return '';
    throw new Error(`ip ${args.join(' ')}: ${(err as { stderr?: Buffer }).stderr?.toString().trim() ?? err}`);
  }
}

const SPACE = 100 * 2 ** 24 + 64 * 2 ** 16; // 100.64.0.0
const addressAt = (offset: number) => [24, 16, 8, 0].map((s) => ((SPACE + offset) >>> s) & 255).join('.');

/** Offset of a /27 (8 hosts' /30s) of 100.64.0.0/10 that no route of this machine touches yet. */
function freeBlock(): number {
  const used = ip(['-4', 'route', 'show', 'root', '100.64.0.0/10']);
  for (let attempt = 0; attempt < 50; attempt++) {
    const block = randomInt(0, 2 ** 17) * 32;
    const prefix = addressAt(block).split('.').slice(0, 3).join('.');
    if (!used.includes(`${prefix}.`)) return block;
  }
  throw new Error('netns-hosts: no free /27 in 100.64.0.0/10');
}
