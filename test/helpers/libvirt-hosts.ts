import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSshHosts, type SshHosts, type SshHostsOptions } from './sshd-hosts.ts';

/**
 * Test hosts with a real hypervisor: each host is a system libvirtd (QEMU in TCG mode) and the
 * host's sshd, both in a mount namespace of their own in which /etc/libvirt, /run/libvirt,
 * /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt and /etc/ssh/ssh_config are private
 * directories of a temp dir. So on every host `virsh -c qemu:///system` reaches that host's
 * daemon, as on a real OpenNebula node, and a migration to `qemu+ssh://<other host>/system`
 * works. Needs root and Debian's libvirt-daemon-system, libvirt-clients, qemu-system-x86.
 * How and why: docs/hypervisor-tests.md.
 */

/** The URI a host's own shell uses (over SSH): its namespace's /run/libvirt/libvirt-sock. */
export const HOST_URI = 'qemu:///system';

export interface LibvirtHost {
  /** The host's temp dir: etc/, run/, lib/, cache/, log/ (qemu logs in log/qemu/), libvirtd.log. */
  readonly dir: string;
  /** host_uuid of its libvirtd: migration refuses hosts with equal UUIDs. */
  readonly uuid: string;
  /** URI of this host's libvirtd from the test process (outside every namespace). */
  readonly localUri: string;
  /** URI of this host for a migration started on another host: qemu+ssh, keys set up. */
  readonly sshUri: string;
}

export interface HypervisorHosts {
  readonly ssh: SshHosts;
  readonly hosts: readonly LibvirtHost[];
  /** libvirtd's pid on host i. */
  pid(i: number): number | undefined;
  /** Pids of the qemu processes host i's libvirtd runs now (from its run/qemu/*.pid). */
  qemuPids(i: number): number[];
  /** Runs `virsh -c <localUri> ...args` from the test process; resolves to stdout. */
  virsh(i: number, ...args: string[]): Promise<string>;
  /** Kills every qemu and libvirtd and sshd by pid, then removes the temp dirs. */
  stop(): Promise<void>;
}

const execFileP = promisify(execFile);
const LIBVIRT_DIRS = { etc: '/etc/libvirt', run: '/run/libvirt', lib: '/var/lib/libvirt', cache: '/var/cache/libvirt', log: '/var/log/libvirt' };
const READY_TIMEOUT_MS = 60_000;
/**
 * libvirtd probes QEMU at start (5-7 s under TCG on 2 cores) unless its cache holds the result:
 * with a cache it answers in about 1.3 s. libvirt checks each entry against the QEMU and libvirtd
 * binaries and probes again when they changed, so a cache kept across test runs is safe.
 */
const CAPS_CACHE = join(tmpdir(), 'one-ts-libvirt-capabilities');

/** Starts `n` hypervisor hosts on 127.0.0.<firstOctet + i>, with sshd on one shared port. */
export async function startHypervisorHosts(n: number, opts: Pick<SshHostsOptions, 'firstOctet'> = {}): Promise<HypervisorHosts> {
  const root = mkdtempSync(join(tmpdir(), 'one-libvirt-'));
  const hosts: LibvirtHost[] = [];
  const daemons: Daemon[] = [];
  let ssh: SshHosts | undefined;
  const qemuPids = (i: number) => pidsIn(join(hosts[i].dir, 'run', 'qemu')).filter((pid) => cmdline(pid).startsWith('/usr/bin/qemu-system'));
  const killQemus = () => {
    for (let i = 0; i < hosts.length; i++) for (const pid of qemuPids(i)) killIf(pid, 'qemu-system');
  };
  // If the test process ends without stop() (a timeout, an uncaught error), no guest or daemon
  // may outlive it: spawned children are not killed with their parent.
  const onExit = () => {
    killQemus();
    for (const d of daemons) if (d.child.pid && d.child.exitCode === null) killIf(d.child.pid, 'libvirtd');
    for (let i = 0; i < hosts.length; i++) { const pid = ssh?.pid(i); if (pid) killIf(pid, 'sshd'); }
    rmSync(root, { recursive: true, force: true });
    if (ssh) rmSync(ssh.dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    killQemus(); // first: libvirtd leaves its guests running when it stops, by design
    await Promise.all(daemons.map((d) => stopChild(d.child)));
    await ssh?.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const first = opts.firstOctet ?? 2; // the sshd helper's default; libvirtd needs the addresses first
    for (let i = 0; i < n; i++) hosts.push(prepareHost(join(root, `host${i}`), `127.0.0.${first + i}`));
    // With no cached QEMU capabilities yet, one daemon probes QEMU alone and the others reuse
    // its cache: two cold probes at once on 2 cores take longer than one after the other.
    const batches = existsSync(CAPS_CACHE) ? [hosts] : [hosts.slice(0, 1), hosts.slice(1)];
    for (const batch of batches) {
      for (const host of batch) {
        seedCapabilities(host);
        daemons.push(startLibvirtd(host));
      }
      await Promise.all(batch.map((h) => waitReady(h, daemons[hosts.indexOf(h)])));
      saveCapabilities(hosts[0]);
    }
    ssh = await startSshHosts(n, { firstOctet: first, launchPrefix: (i) => ['nsenter', '-t', String(daemons[i].child.pid), '-m', '--'] });
    ssh.hosts.forEach((h, i) => {
      // Filled in place: the file is already bind-mounted on the namespace's /etc/ssh/ssh_config.
      writeFileSync(join(hosts[i].dir, 'ssh_config'), [
        'Host *',
        `  Port ${h.port}`,
        `  IdentityFile ${h.keyPath}`,
        `  UserKnownHostsFile ${h.knownHostsPath}`,
        '  StrictHostKeyChecking yes',
        '  BatchMode yes',
        '',
      ].join('\n'));
      hosts[i] = { ...hosts[i], sshUri: `qemu+ssh://${h.user}@${h.address}/system` };
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    ssh, hosts,
    pid: (i) => daemons[i]?.child.pid,
    qemuPids,
    virsh: async (i, ...args) => (await execFileP('virsh', ['-q', '-c', hosts[i].localUri, ...args], { timeout: 60_000 })).stdout,
    stop,
  };
}

function seedCapabilities(host: LibvirtHost): void {
  if (existsSync(CAPS_CACHE)) cpSync(CAPS_CACHE, join(host.dir, 'cache', 'qemu', 'capabilities'), { recursive: true });
}

/** Publishes a host's probe results as the cache; rename keeps concurrent test files safe. */
function saveCapabilities(host: LibvirtHost): void {
  const probed = join(host.dir, 'cache', 'qemu', 'capabilities');
  if (existsSync(CAPS_CACHE) || !existsSync(probed) || readdirSync(probed).length === 0) return;
  const staging = mkdtempSync(`${CAPS_CACHE}-`);
  cpSync(probed, staging, { recursive: true });
  try {
    renameSync(staging, CAPS_CACHE);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another test file published it first
  }
}

/** The host's private copies of the libvirt dirs, with a config for a root daemon run by a test. */
function prepareHost(dir: string, address: string): LibvirtHost {
  mkdirSync(dir, { recursive: true });
  cpSync('/etc/libvirt', join(dir, 'etc'), { recursive: true });
  // A network marked autostart would put a bridge and dnsmasq on the machine, one per host.
  rmSync(join(dir, 'etc', 'qemu', 'networks', 'autostart'), { recursive: true, force: true });
  for (const d of ['run', 'lib', 'cache/qemu', 'log/qemu']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'ssh_config'), '');
  const uuid = randomUUID();
  appendConf(join(dir, 'etc', 'libvirtd.conf'), {
    auth_unix_ro: 'none', auth_unix_rw: 'none',
    host_uuid: uuid,
    log_outputs: `3:file:${join(dir, 'libvirtd.log')}`,
  });
  appendConf(join(dir, 'etc', 'qemu.conf'), {
    // Temp dirs are 0700 root: the default libvirt-qemu user could not read kernels or disks there.
    user: 'root', group: 'root',
    // Guest console output goes to log/qemu/<name>.log directly; no virtlogd to start and stop.
    stdio_handler: 'file',
    security_driver: 'none',
    // An incoming migration listens on the host's own address, and the source is told that
    // address, not the machine's hostname: each host keeps its own ports.
    migration_address: address,
    migration_host: address,
    // No cgroups: the hosts share the machine's cgroup tree, where both daemons would name a
    // guest's group machine/qemu-<id>-<name>.libvirt-qemu. A migrated guest (id 1 on each host)
    // then lands in its source's group, and groups of SIGKILLed guests stay behind.
    cgroup_controllers: [],
  });
  return { dir, uuid, localUri: `qemu+unix:///system?socket=${join(dir, 'run', 'libvirt-sock')}`, sshUri: '' };
}

function appendConf(path: string, settings: Record<string, string | string[]>): void {
  const value = (v: string | string[]) => (Array.isArray(v) ? `[ ${v.map((x) => `"${x}"`).join(', ')} ]` : `"${v}"`);
  const lines = Object.entries(settings).map(([k, v]) => `${k} = ${value(v)}`);
  writeFileSync(path, `${readFileSync(path, 'utf8')}\n# one-ts test host\n${lines.join('\n')}\n`);
}

/**
 * `unshare -m` gives the daemon a private mount table; the bind mounts put the host's dirs over
 * the system paths libvirtd has compiled in. `exec` keeps libvirtd's pid the child's pid.
 */
interface Daemon { readonly child: ChildProcess; readonly stderr: () => string }

function startLibvirtd(host: LibvirtHost): Daemon {
  for (const d of Object.values(LIBVIRT_DIRS)) mkdirSync(d, { recursive: true });
  const q = (s: string) => `'${s}'`; // our own temp paths: no quotes in them
  const mounts = Object.entries(LIBVIRT_DIRS).map(([sub, target]) => `mount --bind ${q(join(host.dir, sub))} ${target}`);
  if (existsSync('/etc/ssh/ssh_config')) mounts.push(`mount --bind ${q(join(host.dir, 'ssh_config'))} /etc/ssh/ssh_config`);
  const script = `set -e; ${mounts.join('; ')}; exec libvirtd --pid-file ${q(join(host.dir, 'libvirtd.pid'))}`;
  const child = spawn('unshare', ['-m', '--propagation', 'private', 'bash', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, stderr: () => stderr };
}

/** libvirtd answers once it knows QEMU's capabilities (see CAPS_CACHE for how long that takes). */
async function waitReady(host: LibvirtHost, { child, stderr }: Daemon): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const log = () => `${stderr()}${readIf(join(host.dir, 'libvirtd.log'))}`;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`libvirtd in ${host.dir} exited (${child.exitCode}): ${log()}`);
    if (existsSync(join(host.dir, 'run', 'libvirt-sock'))) {
      try {
        await execFileP('virsh', ['-c', host.localUri, 'version'], { timeout: 30_000 });
        return;
      } catch { /* not answering yet */ }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`libvirtd in ${host.dir} did not answer within ${READY_TIMEOUT_MS} ms: ${log()}`);
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && killIf(child.pid, ''), 5_000);
  await exited;
  clearTimeout(timer);
}

function pidsIn(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.pid'))
    .map((f) => Number(readIf(join(dir, f)).trim())).filter((p) => Number.isInteger(p) && p > 0);
}

/** SIGKILL pid if it is still the process we mean (a pid file can outlive its process). */
function killIf(pid: number, cmdlineHas: string): void {
  const text = cmdline(pid);
  if (!text || !text.includes(cmdlineHas)) return;
  try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
}

const cmdline = (pid: number) => readIf(`/proc/${pid}/cmdline`);

function readIf(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}
