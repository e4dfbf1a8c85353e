import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DriverManager } from '../../../src/drivers/driver-manager.ts';
import { startSshHosts, type SshHosts } from '../../helpers/sshd-hosts.ts';
import { binDir, driverEnv, isAlive, MemoryLogger, scratch } from './support.ts';

// The README's order: start oned (and so its SSH drivers), then create the key
// and known_hosts. The running driver must pick them up without a restart.
let ssh: SshHosts;
const tmp = scratch();

before(async () => {
  ssh = await startSshHosts(1);
});
after(async () => {
  await ssh.stop();
  tmp.remove();
});

describe('SSH key and known_hosts are looked up per connection', () => {
  it('a driver started before the key exists uses it as soon as it is created, and sees it change', async () => {
    const home = join(tmp.dir, 'home');
    const dotSsh = join(home, '.ssh');
    mkdirSync(home);
    const env = driverEnv({ HOME: home, ONE_SSH_PORT: String(ssh.hosts[0].port), ONE_SSH_CONNECT_TIMEOUT_MS: '5000', IM_REMOTE_DIR: join(tmp.dir, 'remote') });
    delete env.ONE_SSH_KEY;
    delete env.ONE_SSH_KNOWN_HOSTS;
    const m = new DriverManager({ binDir, env, logger: new MemoryLogger(), mads: [{ name: 'im_kvm', kind: 'im', executable: 'one_im_ssh', arguments: 'im_kvm/im_kvm.conf' }] });
    const host = ssh.hosts[0].address;
    const monitor = () => m.request('im_kvm', 'MONITOR', 0, [host]);
    try {
      assert.deepEqual((await m.start()).failed, []);
      const pid = m.pids().im_kvm;

      const noKey = await monitor();
      assert.equal(noKey.result, 'FAILURE');
      assert.equal(noKey.info, `Could not monitor host ${host}: ssh to ${host}: no private key: none of ${dotSsh}/id_ed25519, ${dotSsh}/id_rsa exists (create one with ssh-keygen, or set ONE_SSH_KEY)`);

      mkdirSync(dotSsh);
      copyFileSync(ssh.keyPath, join(dotSsh, 'id_ed25519'));
      const noKnownHosts = await monitor();
      assert.equal(noKnownHosts.result, 'FAILURE');
      assert.match(noKnownHosts.info, new RegExp(`ssh to ${host.replace(/\./g, '\\.')}: cannot read known_hosts ${dotSsh}/known_hosts: no such file \\(add the host with ssh-keyscan`));

      writeFileSync(join(dotSsh, 'known_hosts'), readFileSync(ssh.knownHostsPath));
      const ok = await monitor();
      assert.equal(ok.result, 'SUCCESS', ok.info);

      // Another key in the same file (same path, new content): the cache must notice.
      const other = join(tmp.dir, 'other_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      copyFileSync(other, join(dotSsh, 'id_ed25519'));
      const wrongKey = await monitor();
      assert.equal(wrongKey.result, 'FAILURE');
      assert.match(wrongKey.info, /All configured authentication methods failed/);
      copyFileSync(ssh.keyPath, join(dotSsh, 'id_ed25519'));
      assert.equal((await monitor()).result, 'SUCCESS');

      assert.equal(m.pids().im_kvm, pid, 'the driver was never restarted');
    } finally {
      const pid = m.pids().im_kvm;
      await m.stop();
      assert.equal(isAlive(pid), false);
    }
  });
});
