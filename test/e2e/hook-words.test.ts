import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSshHosts, type SshHosts } from '../helpers/sshd-hosts.ts';
import { allEvents, Oned, waitFor } from '../helpers/oned-harness.ts';

/**
 * Issue "Inputs stay data", item 1, through the real oned and one_hm: hook
 * `arguments` are split into words before `$NAME` is substituted, so a VM
 * name can never add, remove or merge the words a hook command gets —
 * locally, and over ssh for REMOTE=yes hooks.
 */

/** A value written as a quoted template string. */
const quoted = (value: string) => `"${value.replace(/[\\"]/g, '\\$&')}"`;

describe('hook arguments stay words whatever a VM name holds', () => {
  let ssh: SshHosts;
  let one: Oned;
  let dir: string;
  let hid: number;

  before(async () => {
    ssh = await startSshHosts(1);
    dir = mkdtempSync(join(tmpdir(), 'one-hook-words-'));
    const conf = [
      'HM_MAD = [ executable = "one_hm" ]',
      // The reproduction, and the same hook run on the host over ssh.
      `VM_HOOK = [ name = "local", on = "running", command = "/usr/bin/touch", arguments = "${dir}/x_$NAME" ]`,
      `VM_HOOK = [ name = "remote", on = "running", command = "/usr/bin/touch", arguments = "${dir}/r_$NAME", remote = "yes" ]`,
    ].join('\n');
    one = await Oned.start({
      conf,
      env: { ONE_SSH_KEY: ssh.keyPath, ONE_SSH_KNOWN_HOSTS: ssh.knownHostsPath, ONE_SSH_PORT: String(ssh.hosts[0]!.port) },
    });
    // The host's name is its address: where the remote hook goes (an sshd on this machine, same files).
    hid = (await one.ok('one.host.allocate', ssh.hosts[0]!.address, 'im_dummy', 'vmm_dummy', 'tm_dummy')) as number;
  });

  after(async () => {
    await one?.stop();
    one?.remove();
    await ssh?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Creates a VM called `name`, runs it, and waits until both of its hooks have finished. */
  async function runVm(name: string): Promise<{ success: boolean; info: string }[]> {
    const vid = (await one.ok('one.vm.allocate', `NAME = ${quoted(name)}`)) as number;
    await one.ok('one.vm.deploy', vid, hid);
    return waitFor(`hooks of VM ${vid}`, async () => {
      const finished = (await allEvents(one))
        .filter((e) => e.stream === `hook/${vid}` && e.event.type === 'HookFinished')
        .map((e) => ({ success: e.event.success as boolean, info: e.event.info as string }));
      return finished.length === 2 && finished;
    });
  }

  it('a name "a $DIR/INJECTED" stays inside one argument (issue reproduction)', async () => {
    // touch creates the last part of a path only: give the one whole-name path its directories.
    for (const prefix of ['x_', 'r_']) mkdirSync(join(dir, `${prefix}a ${dir}`), { recursive: true });
    const runs = await runVm(`a ${dir}/INJECTED`);
    assert.deepEqual(runs.map((r) => r.success), [true, true], JSON.stringify(runs));
    assert.equal(existsSync(join(dir, 'INJECTED')), false, 'the name added no word');
    assert.ok(existsSync(`${dir}/x_a ${dir}/INJECTED`), 'the local hook got the whole name in one word');
    assert.ok(existsSync(`${dir}/r_a ${dir}/INJECTED`), 'so did the remote one');
  });

  it(`quotes in a name ("x' '$DIR/Q") merge nothing`, async () => {
    for (const prefix of ['x_', 'r_']) mkdirSync(join(dir, `${prefix}x' '${dir}`), { recursive: true });
    const runs = await runVm(`x' '${dir}/Q`);
    assert.deepEqual(runs.map((r) => r.success), [true, true], JSON.stringify(runs));
    assert.equal(existsSync(`${dir}/x_x ${dir}/Q`), false, 'the quotes were not read as quotes');
    assert.equal(existsSync(join(dir, 'Q')), false);
    assert.ok(existsSync(`${dir}/x_x' '${dir}/Q`));
    assert.ok(existsSync(`${dir}/r_x' '${dir}/Q`));
  });

  it('blanks, tabs, newlines, $(…), backquotes and ; make exactly one file each side', async () => {
    // No slash in this one: the file is then directly in $DIR (touch makes no directories).
    const name = `b c;d $(touch S1) \`touch S2\` "q" it's\tt\nn \\ * ;`;
    const before = new Set(readdirSync(dir));
    const runs = await runVm(name);
    assert.deepEqual(runs.map((r) => r.success), [true, true], JSON.stringify(runs));
    const made = readdirSync(dir).filter((f) => !before.has(f)).sort();
    assert.deepEqual(made, [`r_${name}`, `x_${name}`]);
  });
});
