/**
 * The README's order for a real host: start oned, then create the SSH key and
 * record the host key. The host is in ERROR (the reason in oned.log) until the
 * files exist, then MONITORED at the next interval: no restart of oned or of
 * its one_im_ssh driver.
 * Needs Debian packages openssh-server (sshd) and openssh-client (ssh-keygen).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dummyConf, makeLocation, Oned, waitFor } from '../helpers/oned-harness.ts';
import { startSshHosts, type SshHosts } from '../helpers/sshd-hosts.ts';

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];
const MONITORED = '2';
const ERROR = '3';

/** Pids of oned's direct children (its drivers). */
const children = (pid: number) => {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/).map(Number).sort();
  } catch {
    return [];
  }
};

describe('an SSH key created after oned started', () => {
  let ssh: SshHosts;
  let one: Oned;
  let home = '';

  before(async () => {
    ssh = await startSshHosts(1, { firstOctet: 71 });
    const location = makeLocation(dummyConf(0, 'IM_MAD = [ name = "im_kvm", executable = "one_im_ssh", arguments = "im_kvm/im_kvm.conf" ]'));
    home = join(location, 'home'); // oned's user's home, without ~/.ssh yet
    mkdirSync(home);
    one = await Oned.start({ location, env: { HOME: home, ONE_SSH_KEY: '', ONE_SSH_KNOWN_HOSTS: '', ONE_SSH_PORT: String(ssh.hosts[0].port) } });
  });

  after(async () => {
    await one?.stop();
    await ssh?.stop();
    one?.remove();
  });

  it('is used at the next monitoring, without a restart', async () => {
    const drivers = children(one.process.pid!);
    const hid = (await one.ok('one.host.allocate', ssh.hosts[0].address, 'im_kvm', 'vmm_dummy', 'tm_dummy')) as number;
    const state = async () => tag(await one.ok('one.host.info', hid), 'STATE');
    await waitFor('host in ERROR', async () => (await state()) === ERROR, 60_000);
    await waitFor('the reason in oned.log', () => one.log().includes(`no private key: none of ${home}/.ssh/id_ed25519, ${home}/.ssh/id_rsa exists`));

    // Step 1 and 2 of "Adding a real host", done now.
    mkdirSync(join(home, '.ssh'));
    copyFileSync(ssh.keyPath, join(home, '.ssh', 'id_ed25519'));
    copyFileSync(ssh.knownHostsPath, join(home, '.ssh', 'known_hosts'));
    await waitFor('host MONITORED', async () => (await state()) === MONITORED, 60_000);
    assert.ok(Number(tag(await one.ok('one.host.info', hid), 'MAX_CPU')) > 0);
    assert.deepEqual(children(one.process.pid!), drivers, 'no driver was restarted');
  });
});
