import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';

/** Debian's PostgreSQL 15 server programs (scripts/ensure-deps.sh installs `postgresql`). */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** What a client needs to reach the cluster (the `DB = [...]` keys of oned.conf). */
export interface PgEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/**
 * A private PostgreSQL cluster in a temp dir: initdb, then the postmaster on
 * a free port (TCP on 127.0.0.1 with a password, and a unix socket in the
 * temp dir), stopped by its pid. No system service is involved. initdb and
 * postgres refuse to run as root, so as root they run as the `postgres`
 * user, which then owns the temp dir.
 */
export class PgCluster implements PgEndpoint {
  readonly host = '127.0.0.1';
  readonly user = 'oneadmin';
  readonly password = 'pg-secret';
  private pid: number | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PgCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'one-ts-pg-'));
    const cluster = new PgCluster(dir, await freePort());
    try {
      cluster.init();
      await cluster.startServer();
    } catch (e) {
      cluster.stop();
      throw e;
    }
    return cluster;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** A fresh empty database, e.g. one per test. */
  async createDatabase(name: string): Promise<string> {
    const client = this.client('postgres');
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '')}"`);
    } finally {
      await client.end();
    }
    return name;
  }

  /** A connected-to-be client (call connect()). */
  client(database: string): pg.Client {
    return new pg.Client({ host: this.host, port: this.port, user: this.user, password: this.password, database });
  }

  /** The `DB = [...]` line of oned.conf for `database`. */
  dbConf(database: string): string {
    return `DB = [ BACKEND = "postgresql", SERVER = "${this.host}", PORT = ${this.port}, USER = "${this.user}", PASSWD = "${this.password}", DB_NAME = "${database}" ]`;
  }

  /** Stops the postmaster (fast shutdown, then SIGKILL), for a restart under oned. */
  async stopServer(): Promise<void> {
    const pid = this.pid;
    this.pid = undefined;
    if (pid === undefined) return;
    signal(pid, 'SIGINT');
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
    if (alive(pid)) signal(pid, 'SIGKILL');
    for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  }

  async startServer(): Promise<void> {
    const log = join(this.dir, 'server.log');
    this.run(join(PG_BIN, 'pg_ctl'), ['-D', this.dataDir, '-l', log, '-w', '-t', '60', 'start', '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=${this.host} -c fsync=on -c max_connections=100`]);
    this.pid = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** Stops the server by pid and removes the temp dir. Safe to call twice. */
  stop(): void {
    const pid = this.pid;
    this.pid = undefined;
    if (pid !== undefined) {
      signal(pid, 'SIGQUIT'); // immediate shutdown: the cluster is thrown away
      const until = Date.now() + 10_000;
      while (alive(pid) && Date.now() < until) execFileSync('sleep', ['0.05']);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private init(): void {
    const pwfile = join(this.dir, 'pwfile');
    writeFileSync(pwfile, `${this.password}\n`, { mode: 0o600 });
    mkdirSync(this.dataDir, { mode: 0o700 });
    if (process.getuid?.() === 0) {
      const [uid, gid] = idsOf('postgres');
      for (const path of [this.dir, this.dataDir, pwfile]) chownSync(path, uid, gid);
    }
    this.run(join(PG_BIN, 'initdb'), ['-D', this.dataDir, '-U', this.user, `--pwfile=${pwfile}`,
      '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-locale']);
  }

  private run(program: string, args: string[]): void {
    if (!existsSync(program)) throw new Error(`${program} is missing: install postgresql (scripts/ensure-deps.sh)`);
    const asRoot = process.getuid?.() === 0;
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
    execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir });
  }
}

function idsOf(user: string): [number, number] {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no ${user} user: install postgresql (scripts/ensure-deps.sh)`);
  const [, , uid, gid] = line.split(':');
  return [Number(uid), Number(gid)];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
