import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DriverManager } from '../../../src/drivers/driver-manager.ts';
import type { DriverLog } from '../../../src/drivers/driver-reply.ts';
import { startSshHosts, type SshHosts } from '../../helpers/sshd-hosts.ts';
import { binDir, driverEnv, isAlive, MemoryLogger, scratch } from './support.ts';

let ssh: SshHosts;
let manager: DriverManager;
const logs: DriverLog[] = [];
const tmp = scratch();

before(async () => {
  ssh = await startSshHosts(2);
  manager = new DriverManager({
    binDir,
    logger: new MemoryLogger(),
    env: driverEnv({ ONE_SSH_KEY: ssh.keyPath, ONE_SSH_KNOWN_HOSTS: ssh.knownHostsPath, ONE_SSH_PORT: String(ssh.hosts[0].port) }),
    mads: [{ name: 'hook_exe', kind: 'hm', executable: 'one_hm' }],
  });
  manager.logs$.subscribe((l) => logs.push(l));
  assert.deepEqual((await manager.start()).failed, []);
});

after(async () => {
  const pid = manager.pids().hook_exe;
  await manager.stop();
  assert.equal(isAlive(pid), false);
  await ssh.stop();
  tmp.remove();
});

/** The core sends the words of a hook, already split and substituted; the manager encodes them. */
const execute = (vid: number, hook: string, where: string, command: string, ...words: string[]) =>
  manager.request('hook_exe', 'EXECUTE', vid, [hook, where, command, ...words]);

describe('one_hm', () => {
  it('runs a local hook without a shell: its arguments are never interpreted', async () => {
    const pwned = join(tmp.dir, 'pwned-local');
    const reply = await execute(1, 'on_create', 'LOCAL', '/usr/bin/printf', '[%s]', `x; touch ${pwned}`, `$(touch ${pwned})`, `\`touch ${pwned}\``, "'$HOME'", '', 'a\nb');
    assert.deepEqual([reply.result, reply.id, reply.info], ['SUCCESS', 1, 'on_create']);
    assert.equal(existsSync(pwned), false);
    const log = logs.filter((l) => l.vid === 1).map((l) => l.text).join('\n');
    // Each word arrives whole: one [...] per word, the empty one and the line break included.
    assert.equal(log, `Hook on_create: [x; touch ${pwned}][$(touch ${pwned})][\`touch ${pwned}\`]['$HOME'][][a\nb]`);
  });

  it('reports the exit code of a failing hook, and a missing command', async () => {
    const failed = await execute(2, 'on_done', 'LOCAL', '/bin/sh', '-c', 'echo about to fail; exit 3');
    assert.deepEqual([failed.result, failed.info], ['FAILURE', 'on_done exit code 3']);
    const missing = await execute(2, 'ghost', 'LOCAL', '/no/such/hook');
    assert.equal(missing.result, 'FAILURE');
    assert.match(missing.info, /^ghost cannot run \/no\/such\/hook: spawn \/no\/such\/hook ENOENT/);
  });

  it('matches replies of two hooks of one VM by hook name', async () => {
    const [slow, fast] = await Promise.all([
      execute(3, 'slow', 'LOCAL', '/bin/sleep', '0.4'),
      execute(3, 'fast', 'LOCAL', '/bin/true'),
    ]);
    assert.equal(slow.info, 'slow');
    assert.equal(fast.info, 'fast');
  });

  it('runs a remote hook over ssh with every word quoted', async () => {
    const pwned = join(tmp.dir, 'pwned-remote');
    const reply = await execute(4, 'on_running', ssh.hosts[1].address, '/usr/bin/printf', '[%s]', `vm 4; touch ${pwned}`, `$(touch ${pwned})`, `| touch ${pwned}`, `it's`, '');
    assert.equal(reply.result, 'SUCCESS', reply.info);
    assert.equal(existsSync(pwned), false);
    assert.equal(logs.find((l) => l.vid === 4)?.text, `Hook on_running: [vm 4; touch ${pwned}][$(touch ${pwned})][| touch ${pwned}][it's][]`);
  });

  it('refuses an argument with a NUL instead of cutting it short', async () => {
    const reply = await execute(6, 'nul', 'LOCAL', '/bin/echo', 'a\0b');
    assert.deepEqual([reply.result, reply.info], ['FAILURE', 'nul an argument contains a NUL character']);
  });

  it('fails a remote hook clearly when the host is down or the name is bogus', async () => {
    await ssh.kill(1);
    try {
      const down = await execute(5, 'on_stop', ssh.hosts[1].address, '/bin/true');
      assert.equal(down.result, 'FAILURE');
      assert.match(down.info, /^on_stop ssh to \S+@127\.0\.0\.3:\d+ failed: connect ECONNREFUSED/);
    } finally {
      await ssh.restart(1);
    }
    const bogus = await execute(5, 'on_stop', 'x;reboot', '/bin/true');
    assert.deepEqual([bogus.result, bogus.info], ['FAILURE', 'on_stop invalid host name']);
  });
});
