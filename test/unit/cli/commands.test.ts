process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sha1Hex } from '../../../src/cli/lib/auth.ts';
import { onehost } from '../../../src/cli/onehost.ts';
import { oneuser } from '../../../src/cli/oneuser.ts';
import { onevm } from '../../../src/cli/onevm.ts';
import { onevnet } from '../../../src/cli/onevnet.ts';
import { fail, ok, oneadminEnv, runWithFake } from './fake-oned.ts';
import { HOST_POOL_XML, hostXml, USER_POOL_XML, VM_POOL_XML, VM_XML, VNET_POOL_XML, VNET_XML } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'one-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = oneadminEnv();

const vmPool = { 'one.vmpool.info': () => ok(VM_POOL_XML) };
const hostPool = { 'one.hostpool.info': () => ok(HOST_POOL_XML) };

describe('onevm', () => {
  it('create reads the template file, sends it, and prints ID: n with -v only', async () => {
    const file = join(dir, 'vm.one');
    writeFileSync(file, 'NAME = ttylinux\nMEMORY = 64\n');
    const quiet = await runWithFake(onevm, ['create', file], { 'one.vm.allocate': () => ok(7) }, { env });
    assert.deepEqual(quiet.calls, [['one.vm.allocate', 'NAME = ttylinux\nMEMORY = 64\n']]);
    assert.equal(quiet.stdout, '');
    assert.equal(quiet.sessions[0], `oneadmin:${sha1Hex('password')}`);
    const loud = await runWithFake(onevm, ['submit', '-v', file], { 'one.vm.allocate': () => ok(7) }, { env });
    assert.equal(loud.stdout, 'ID: 7\n');
    const json = await runWithFake(onevm, ['create', file, '--json'], { 'one.vm.allocate': () => ok(7) }, { env });
    assert.deepEqual(JSON.parse(json.stdout), { ID: 7 });
  });

  it('delete sends the finalize action; ranges and names resolve through the pool', async () => {
    const run = await runWithFake(onevm, ['delete', '[0-1]', 'db'], { ...vmPool, 'one.vm.action': () => ok() }, { env });
    assert.equal(run.code, 0);
    assert.deepEqual(run.calls, [
      ['one.vmpool.info', -2],
      ['one.vm.action', 'finalize', 0],
      ['one.vm.action', 'finalize', 1],
      ['one.vm.action', 'finalize', 12],
    ]);
  });

  it('every action command sends its own action string', async () => {
    for (const action of ['shutdown', 'hold', 'release', 'stop', 'cancel', 'suspend', 'resume', 'restart', 'resubmit']) {
      const run = await runWithFake(onevm, [action, '4'], { 'one.vm.action': () => ok() }, { env });
      assert.deepEqual(run.calls, [['one.vm.action', action, 4]], action);
    }
  });

  it('deploy and (live)migrate take VMs then a host, host by name', async () => {
    const handlers = { ...hostPool, 'one.vm.deploy': () => ok(), 'one.vm.migrate': () => ok() };
    const deploy = await runWithFake(onevm, ['deploy', '1', '2', 'host03'], handlers, { env });
    assert.deepEqual(deploy.calls, [['one.hostpool.info'], ['one.vm.deploy', 1, 2], ['one.vm.deploy', 2, 2]]);
    const live = await runWithFake(onevm, ['livemigrate', '5', '0'], handlers, { env });
    assert.deepEqual(live.calls, [['one.vm.migrate', 5, 0, true]]);
    const cold = await runWithFake(onevm, ['migrate', '5', '0'], handlers, { env });
    assert.deepEqual(cold.calls, [['one.vm.migrate', 5, 0, false]]);
    const missing = await runWithFake(onevm, ['deploy', '5'], handlers, { env });
    assert.equal(missing.code, 255);
    assert.match(missing.stderr, /^Error: deploy needs <vm…> <host>\n$/);
  });

  it('reports unknown and ambiguous names without calling the action', async () => {
    const twice = VM_POOL_XML.replace('<NAME>db</NAME>', '<NAME>ttylinux</NAME>');
    const handlers = { 'one.vmpool.info': () => ok(twice), 'one.vm.action': () => ok() };
    const ambiguous = await runWithFake(onevm, ['hold', 'ttylinux'], handlers, { env });
    assert.equal(ambiguous.code, 255);
    assert.match(ambiguous.stderr, /several VMs named "ttylinux" \(ids 0, 12\)/);
    const none = await runWithFake(onevm, ['hold', 'ghost'], handlers, { env });
    assert.match(none.stderr, /^Error: VM named "ghost" not found\n$/);
    assert.ok(![...ambiguous.calls, ...none.calls].some((c) => c[0] === 'one.vm.action'));
  });

  it('goes on after a failed id and exits 255 with each error on stderr', async () => {
    const run = await runWithFake(
      onevm,
      ['stop', '1', '2', '3'],
      { 'one.vm.action': (_a, id) => (id === 2 ? fail('Wrong state to perform action', 0x800) : ok()) },
      { env },
    );
    assert.equal(run.code, 255);
    assert.equal(run.calls.length, 3);
    assert.equal(run.stderr, 'Error: Wrong state to perform action\n');
  });

  it('list maps a|m|uid|username to the pool filter', async () => {
    const filters: unknown[] = [];
    const handlers = { 'one.vmpool.info': (f: unknown) => (filters.push(f), ok(VM_POOL_XML)) };
    for (const who of [[], ['a'], ['all'], ['m'], ['mine'], ['2'], ['helen']]) await runWithFake(onevm, ['list', ...who], handlers, { env });
    assert.deepEqual(filters, [-2, -2, -2, -1, -1, 2, -2]);
    const byName = await runWithFake(onevm, ['list', 'helen'], handlers, { env });
    assert.deepEqual(byName.stdout.split('\n').slice(1, -1).map((l) => l.trim().split(' ')[0]), ['1', '12']);
  });

  it('list honours -l, -o, -f, -x and --json', async () => {
    const cols = await runWithFake(onevm, ['list', '-l', 'id,stat', '-o', '-id', '-f', 'stat=^(runn|fail)$'], vmPool, { env });
    assert.equal(cols.stdout, '  ID STAT\n  12 fail\n   0 runn\n');
    const xml = await runWithFake(onevm, ['-x', 'list'], vmPool, { env });
    assert.equal(xml.stdout, `${VM_POOL_XML}\n`);
    const json = JSON.parse((await runWithFake(onevm, ['list', '--json'], vmPool, { env })).stdout);
    assert.deepEqual(json.VM_POOL.VM.map((v: { ID: string }) => v.ID), ['0', '1', '12']);
    const bad = await runWithFake(onevm, ['list', '-l', 'nope'], vmPool, { env });
    assert.equal(bad.code, 255);
    assert.match(bad.stderr, /^Error: unknown column "nope"/);
  });

  it('list fits the terminal width when stdout is a TTY', async () => {
    const out = { text: '' };
    const tty = { write: (s: string) => (out.text += s), isTTY: true, columns: 50 };
    await runWithFake(onevm, ['list'], vmPool, { env, stdout: tty });
    const lines = out.text.replace(/\x1b\[[0-9;]*m/g, '').trimEnd().split('\n');
    assert.equal(lines.length, 4);
    for (const line of lines) assert.ok(line.length <= 50, JSON.stringify(line));
  });

  it('show prints each VM; history lists the latest record', async () => {
    const handlers = { ...vmPool, 'one.vm.info': () => ok(VM_XML) };
    const show = await runWithFake(onevm, ['show', '0', '0'], handlers, { env });
    assert.equal(show.stdout.split('VIRTUAL MACHINE 0 INFORMATION').length, 3);
    assert.ok(show.stdout.includes('VMID=0\n\nVIRTUAL MACHINE 0 INFORMATION'));
    const history = await runWithFake(onevm, ['history'], handlers, { env });
    assert.equal(history.stdout.split('\n')[0], '  ID SEQ HOSTNAME                 STIME          ETIME        TIME REASON');
    assert.equal(history.stdout.trimEnd().split('\n').length, 3);
    const one = await runWithFake(onevm, ['history', '0'], handlers, { env });
    assert.deepEqual(one.calls, [['one.vm.info', 0]]);
    assert.match(one.stdout, /\n {3}0 {3}1 host02 /);
  });

  it('top redraws the list every --delay seconds on a terminal', async () => {
    const sleeps: number[] = [];
    const tty = { isTTY: true, write: (s: string) => void (drawn += s) };
    let drawn = '';
    const run = await runWithFake(onevm, ['top', '-d', '2'], vmPool, {
      env,
      stdout: tty,
      topIterations: 3,
      sleep: async (ms) => void sleeps.push(ms),
    });
    assert.equal(run.code, 0);
    assert.equal(drawn.split('\x1b[2J\x1b[H').length, 4);
    assert.deepEqual(sleeps, [2000, 2000]);
    const bad = await runWithFake(onevm, ['top', '-d', 'soon'], vmPool, { env, stdout: tty, topIterations: 1 });
    assert.equal(bad.code, 255);
  });

  it('top prints the list once and exits when stdout is not a terminal', async () => {
    const sleeps: number[] = [];
    const run = await runWithFake(onevm, ['top'], vmPool, { env, sleep: async (ms) => void sleeps.push(ms) });
    const list = await runWithFake(onevm, ['list'], vmPool, { env });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, list.stdout);
    assert.deepEqual(sleeps, []);
    assert.equal(run.calls.length, 1);
  });
});

describe('onehost', () => {
  it('create sends the three driver names', async () => {
    const run = await runWithFake(onehost, ['add', 'host04', 'im_kvm', 'vmm_kvm', 'tm_nfs', '-v'], { 'one.host.allocate': () => ok(3) }, { env });
    assert.deepEqual(run.calls, [['one.host.allocate', 'host04', 'im_kvm', 'vmm_kvm', 'tm_nfs']]);
    assert.equal(run.stdout, 'ID: 3\n');
  });

  it('delete disables a host that still runs VMs and deletes an idle one', async () => {
    const handlers = {
      'one.host.info': (id: unknown) => ok(hostXml(Number(id), id === 0 ? 2 : 0)),
      'one.host.enable': () => ok(),
      // 1.4 answers host.delete with a bare [true].
      'one.host.delete': () => [true],
    };
    const run = await runWithFake(onehost, ['delete', '0', '1'], handlers, { env });
    assert.equal(run.code, 0);
    assert.deepEqual(run.calls, [
      ['one.host.info', 0],
      ['one.host.enable', 0, false],
      ['one.host.info', 1],
      ['one.host.delete', 1],
    ]);
    assert.match(run.stdout, /Host 0 still has associated VMs \(2\), disabling it/);
  });

  it('enable/disable, list and show', async () => {
    const handlers = { ...hostPool, 'one.host.enable': () => ok(), 'one.host.info': () => ok(hostXml(0, 2)) };
    const run = await runWithFake(onehost, ['disable', 'host0[1-1]'], handlers, { env });
    assert.deepEqual(run.calls, [['one.hostpool.info'], ['one.host.enable', 0, false]]);
    const enable = await runWithFake(onehost, ['enable', '2'], handlers, { env });
    assert.deepEqual(enable.calls, [['one.host.enable', 2, true]]);
    const list = await runWithFake(onehost, ['list', '-l', 'name,stat'], handlers, { env });
    assert.equal(list.stdout.split('\n')[1], 'host01                    on');
    const show = await runWithFake(onehost, ['show', 'host01'], handlers, { env });
    assert.match(show.stdout, /^RUNNING VMS {11}: 2$/m);
  });
});

describe('onevnet', () => {
  it('create, list, show, delete and (un)publish', async () => {
    const file = join(dir, 'net.one');
    writeFileSync(file, 'NAME = public\nTYPE = FIXED\n');
    const handlers = {
      'one.vn.allocate': () => ok(1),
      'one.vnpool.info': () => ok(VNET_POOL_XML),
      'one.vn.info': () => ok(VNET_XML),
      'one.vn.delete': () => ok(),
      'one.vn.publish': () => ok(),
    };
    const create = await runWithFake(onevnet, ['create', file, '-v'], handlers, { env });
    assert.equal(create.stdout, 'ID: 1\n');
    const list = await runWithFake(onevnet, ['list', 'm'], handlers, { env });
    assert.deepEqual(list.calls, [['one.vnpool.info', -1]]);
    assert.equal(list.stdout.split('\n').length, 4);
    const show = await runWithFake(onevnet, ['show', 'public'], handlers, { env });
    assert.match(show.stdout, /LEASE=\[ IP=130\.10\.0\.1/);
    const del = await runWithFake(onevnet, ['delete', 'private', '1'], handlers, { env });
    assert.deepEqual(del.calls.slice(1), [['one.vn.delete', 0], ['one.vn.delete', 1]]);
    const pub = await runWithFake(onevnet, ['unpublish', '1'], handlers, { env });
    assert.deepEqual(pub.calls, [['one.vn.publish', 1, false]]);
  });
});

describe('oneuser', () => {
  const users = { 'one.userpool.info': () => ok(USER_POOL_XML) };

  it('create and passwd send the SHA-1 of the password', async () => {
    const create = await runWithFake(oneuser, ['create', 'helen', 's3cret'], { 'one.user.allocate': () => ok(2) }, { env });
    assert.deepEqual(create.calls, [['one.user.allocate', 'helen', sha1Hex('s3cret')]]);
    const passwd = await runWithFake(oneuser, ['passwd', 'helen', 'n3w'], { ...users, 'one.user.passwd': () => ok() }, { env });
    assert.deepEqual(passwd.calls, [['one.userpool.info'], ['one.user.passwd', 2, sha1Hex('n3w')]]);
  });

  it('delete asks for YES when the user still owns VMs', async () => {
    const handlers = {
      ...users,
      'one.vmpool.info': (uid: unknown) => ok(uid === 2 ? VM_POOL_XML : '<VM_POOL></VM_POOL>'),
      'one.user.delete': () => ok(),
    };
    const refused = await runWithFake(oneuser, ['delete', 'helen'], handlers, { env, readLine: async () => 'no' });
    assert.equal(refused.code, 255);
    assert.ok(!refused.calls.some((c) => c[0] === 'one.user.delete'));
    assert.match(refused.stdout, /Type YES/);
    const confirmed = await runWithFake(oneuser, ['delete', 'helen'], handlers, { env, readLine: async () => 'YES' });
    assert.deepEqual(confirmed.calls.at(-1), ['one.user.delete', 2]);
    const idle = await runWithFake(oneuser, ['delete', '5'], handlers, { env });
    assert.deepEqual(idle.calls, [['one.vmpool.info', 5], ['one.user.delete', 5]]);
  });

  it('enable, disable and list', async () => {
    const handlers = { ...users, 'one.user.enable': () => ok() };
    const run = await runWithFake(oneuser, ['disable', 'helen', '-v'], handlers, { env });
    assert.deepEqual(run.calls.at(-1), ['one.user.enable', 2, false]);
    assert.equal(run.stdout, 'User 2 disabled\n');
    const list = await runWithFake(oneuser, ['list', '-l', 'user,enable'], handlers, { env });
    assert.equal(list.stdout, 'USER            ENABLE\noneadmin        True\nhelen           False\n');
  });
});

describe('common options', () => {
  it('--version, --help and --list-columns need neither oned nor credentials', async () => {
    const version = await runWithFake(onevm, ['--version'], {});
    assert.deepEqual([version.code, version.stdout], [0, 'OpenNebula 1.4.0\n']);
    const help = await runWithFake(onehost, ['-h'], {});
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--list-columns/);
    const cols = await runWithFake(onevm, ['history', '--list-columns'], {});
    assert.match(cols.stdout, /reason \( 6\) => Reason for state change/);
    assert.equal(version.calls.length + help.calls.length + cols.calls.length, 0);
  });

  it('an unknown command is an Error: with exit code 255', async () => {
    const run = await runWithFake(onevm, ['frobnicate'], {});
    assert.equal(run.code, 255);
    assert.match(run.stderr, /^Error: unknown command 'frobnicate'/);
  });

  it('a missing credentials file is reported before any call', async () => {
    const run = await runWithFake(onevm, ['list'], vmPool, { env: { ONE_AUTH: join(dir, 'missing') } });
    assert.equal(run.code, 255);
    assert.match(run.stderr, /^Error: cannot read credentials file .*missing.*ONE_AUTH.*~\/\.one\/one_auth\n$/);
  });
});
