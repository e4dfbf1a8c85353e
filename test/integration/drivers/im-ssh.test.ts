import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DriverManager } from '../../../src/drivers/driver-manager.ts';
import type { DriverLog, DriverReply } from '../../../src/drivers/driver-reply.ts';
import { startSshHosts, type SshHosts } from '../../helpers/sshd-hosts.ts';
import { binDir, driverEnv, isAlive, MemoryLogger, repoRoot, scratch, waitUntil } from './support.ts';

// Needs Debian packages openssh-server (sshd) and openssh-client (ssh-keygen).
let ssh: SshHosts;
const tmp = scratch();

before(async () => {
  ssh = await startSshHosts(2);
});
after(async () => {
  await ssh.stop();
  tmp.remove();
});

const sshEnv = (extra: Record<string, string> = {}) => driverEnv({
  ONE_SSH_KEY: ssh.keyPath,
  ONE_SSH_KNOWN_HOSTS: ssh.knownHostsPath,
  ONE_SSH_PORT: String(ssh.hosts[0].port),
  ONE_SSH_CONNECT_TIMEOUT_MS: '5000',
  ...extra,
});

/** one_im_ssh behind a DriverManager; every sshd host listens on the same port, on its own address. */
async function withImSsh<T>(argumentsText: string, env: NodeJS.ProcessEnv, body: (m: DriverManager, logs: DriverLog[]) => Promise<T>): Promise<T> {
  const m = new DriverManager({ binDir, env, logger: new MemoryLogger(), mads: [{ name: 'im_kvm', kind: 'im', executable: 'one_im_ssh', arguments: argumentsText }] });
  const logs: DriverLog[] = [];
  m.logs$.subscribe((l) => logs.push(l));
  try {
    const started = await m.start();
    assert.deepEqual(started.failed, []);
    return await body(m, logs);
  } finally {
    const pid = m.pids().im_kvm;
    await m.stop();
    assert.equal(isAlive(pid), false);
  }
}

const attrs = (reply: DriverReply): Record<string, string> =>
  Object.fromEntries(reply.info.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

const meminfo = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'))![1]);

describe('one_im_ssh against real sshd hosts', () => {
  it('reports this machine\'s real figures and copies probes as one_im-<md5>', async () => {
    const remote = join(tmp.dir, 'remote');
    await withImSsh(`-r ${remote} im_kvm/im_kvm.conf`, sshEnv(), async (m) => {
      const [reply, other] = await Promise.all(ssh.hosts.map((h, hid) => m.request('im_kvm', 'MONITOR', hid, [h.address])));
      assert.equal(reply.result, 'SUCCESS', reply.info);
      assert.equal(other.result, 'SUCCESS', other.info);
      assert.equal(attrs(other).TOTALMEMORY, attrs(reply).TOTALMEMORY);
      const a = attrs(reply);
      assert.equal(a.HYPERVISOR, 'kvm');
      assert.equal(Number(a.TOTALCPU), cpus().length * 100);
      assert.equal(Number(a.TOTALMEMORY), meminfo('MemTotal'));
      const available = meminfo('MemAvailable');
      assert.ok(Math.abs(Number(a.FREEMEMORY) - available) < available * 0.1, `FREEMEMORY ${a.FREEMEMORY} vs ${available}`);
      assert.equal(Number(a.USEDMEMORY) + Number(a.FREEMEMORY), Number(a.TOTALMEMORY));
      assert.equal(Number(a.USEDCPU) + Number(a.FREECPU), Number(a.TOTALCPU));
      assert.match(a.ARCH, /^\w+$/);
      for (const k of ['HOSTNAME', 'CPUSPEED', 'NETTX', 'NETRX']) assert.ok(k in a, `missing ${k}`);
      const md5 = (name: string, script: string) => createHash('md5').update(name + join(repoRoot, 'lib/im_probes', script)).digest('hex');
      assert.deepEqual(readdirSync(remote).sort(), [['cpuarchitecture', 'architecture.sh'], ['nodename', 'name.sh'], ['cpu', 'cpu.sh'], ['kvm', 'kvm.sh']].map(([n, s]) => `one_im-${md5(n, s)}`).sort());
    });
  });

  it('fails clearly while sshd is down and recovers when it is back', async () => {
    await withImSsh('im_kvm/im_kvm.conf', sshEnv({ IM_REMOTE_DIR: join(tmp.dir, 'r2') }), async (m) => {
      const host = ssh.hosts[0].address;
      await ssh.kill(0);
      const down = await m.request('im_kvm', 'MONITOR', 1, [host]);
      assert.equal(down.result, 'FAILURE');
      assert.match(down.info, new RegExp(`^Could not monitor host ${host.replace(/\./g, '\\.')}: ssh to \\S+@${host.replace(/\./g, '\\.')}:\\d+ failed: connect ECONNREFUSED`));
      await ssh.restart(0);
      const back = await m.request('im_kvm', 'MONITOR', 1, [host]);
      assert.equal(back.result, 'SUCCESS', back.info);
    });
  });

  it('reports probes printing garbage, and failing probes, with a clear message', async () => {
    const garbage = tmp.script('garbage.sh', 'echo "hello there"; echo "no equals sign here"');
    const failing = tmp.script('failing.sh', 'echo "TOTALCPU=100"; echo "kaput" >&2; exit 3');
    const list = join(tmp.dir, 'garbage.conf');
    writeFileSync(list, `garbage=${garbage}\nfailing=${failing}\n`);
    await withImSsh(list, sshEnv({ IM_REMOTE_DIR: join(tmp.dir, 'r3') }), async (m, logs) => {
      const reply = await m.request('im_kvm', 'MONITOR', 2, [ssh.hosts[0].address]);
      assert.equal(reply.result, 'FAILURE');
      assert.match(reply.info, /Could not monitor host 127\.0\.0\.2: probe output is not NAME=value \(garbage: hello there\)/);
      await waitUntil(() => logs.some((l) => /Probe failing failed on 127\.0\.0\.2 \(exit 3\): kaput/.test(l.text)), 2000, 'probe failure log');
      assert.ok(logs.every((l) => l.vid === undefined), 'IM logs go to oned.log, not a VM log');
    });
  });

  it('checks host keys strictly unless ONE_SSH_STRICT=no', async () => {
    const [h0, h1] = ssh.hosts;
    const lines = readFileSync(ssh.knownHostsPath, 'utf8').trim().split('\n');
    const swapped = join(tmp.dir, 'known_hosts_swapped');
    // host 0's name with host 1's key: what a man in the middle would look like
    writeFileSync(swapped, `${lines[0].split(' ')[0]} ${lines[1].split(' ').slice(1).join(' ')}\n`);
    const empty = join(tmp.dir, 'known_hosts_empty');
    writeFileSync(empty, '');
    const monitor = (env: NodeJS.ProcessEnv) => withImSsh('im_kvm/im_kvm.conf', env, (m) => m.request('im_kvm', 'MONITOR', 3, [h0.address]));
    const [mismatch, unknown, lax] = await Promise.all([
      monitor(sshEnv({ ONE_SSH_KNOWN_HOSTS: swapped })),
      monitor(sshEnv({ ONE_SSH_KNOWN_HOSTS: empty })),
      monitor(sshEnv({ ONE_SSH_KNOWN_HOSTS: empty, ONE_SSH_STRICT: 'no' })),
    ]);
    assert.match(mismatch.info, /^Could not monitor host 127\.0\.0\.2: ssh to .* failed: HOST KEY MISMATCH/);
    assert.match(unknown.info, /host key not found in .*known_hosts_empty/);
    assert.equal(lax.result, 'SUCCESS', lax.info);
    assert.ok(h1.port > 0);
  });

  it('never lets a host name or remote dir run a command', async () => {
    const pwned = join(tmp.dir, 'pwned');
    const remote = `${tmp.dir}/rd$(touch\${IFS}${pwned}1);touch\${IFS}${pwned}2;\`touch\${IFS}${pwned}3\``;
    await withImSsh(`-r ${remote} im_kvm/im_kvm.conf`, sshEnv(), async (m) => {
      const names = [`x;touch\${IFS}${pwned}4`, `$(touch\${IFS}${pwned}5)`, `\`touch\${IFS}${pwned}6\``, `-oProxyCommand=touch\${IFS}${pwned}7`, `127.0.0.2;touch\${IFS}${pwned}8`];
      const replies = await Promise.all(names.map((name, i) => m.request('im_kvm', 'MONITOR', 10 + i, [name])));
      for (const r of replies) assert.deepEqual([r.result, r.info], ['FAILURE', 'Could not monitor host: invalid host name']);
      // A name with blanks cannot even be put on the line by the manager…
      const spaced = await m.request('im_kvm', 'MONITOR', 20, [`x; touch ${pwned}9`]);
      assert.equal(spaced.origin, 'manager');
      // …and written raw it is refused by the driver for its argument count.
      const raw: DriverReply[] = [];
      m.replies$.subscribe((r) => raw.push(r));
      assert.ok(m.notify('im_kvm', `MONITOR 21 x; touch ${pwned}10`));
      await waitUntil(() => raw.some((r) => r.id === 21), 5000, 'reply to raw MONITOR');
      assert.equal(raw.find((r) => r.id === 21)?.result, 'FAILURE');
      // The odd remote dir is used literally, as one quoted path.
      const ok = await m.request('im_kvm', 'MONITOR', 22, [ssh.hosts[0].address]);
      assert.equal(ok.result, 'SUCCESS', ok.info);
      assert.ok(existsSync(remote), 'remote dir created under its literal name');
    });
    for (let i = 1; i <= 10; i++) assert.equal(existsSync(`${pwned}${i}`), false, `${pwned}${i} was created`);
  });
});
