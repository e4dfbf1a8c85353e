import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { cliEnv, Oned, REPO, runCli, waitFor, type CliRun } from '../helpers/oned-harness.ts';

/**
 * Every subcommand of onevm, onehost, onevnet and oneuser (spec §10)
 * against the real oned: exit codes, `Error: …` on stderr, -x, --json,
 * ids given as names and ranges.
 */

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];
const CLEAR = '\x1b[2J\x1b[H';

let one: Oned;
const cli = (tool: string, ...args: string[]) => runCli(one, tool, args);
const as = (user: string, tool: string, ...args: string[]) => runCli(one, tool, args, { env: { ONE_AUTH: join(one.location, `${user}_auth`) } });
const file = (name: string, text: string) => {
  const path = join(one.location, name);
  writeFileSync(path, text);
  return path;
};
const ok = (r: CliRun, stdout?: string | RegExp) => {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr, '');
  if (typeof stdout === 'string') assert.equal(r.stdout, stdout);
  else if (stdout) assert.match(r.stdout, stdout);
  return r.stdout;
};
const fails = (r: CliRun, message: RegExp) => {
  assert.equal(r.code, 255, `expected exit 255, got ${r.code}; stdout ${r.stdout}`);
  assert.match(r.stderr, /^Error: /);
  assert.match(r.stderr, message);
};
const vmState = async (vid: number) => {
  const xml = String(await one.ok('one.vm.info', vid));
  return `${tag(xml, 'STATE')}/${tag(xml, 'LCM_STATE')}`;
};
const vmReaches = (vid: number, state: string) => waitFor(`VM ${vid} ${state}`, async () => (await vmState(vid)).startsWith(state));

/**
 * Runs a `top` on a terminal (util-linux `script` gives it a pty: on a pipe
 * top prints once and exits) until it has drawn `screens` screens, then
 * stops it (by pid).
 */
function topScreens(tool: string, args: string[], screens: number): Promise<string[]> {
  return new Promise((done, fail) => {
    const command = [join(REPO, 'bin', tool), 'top', ...args].map((w) => `'${w}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: cliEnv(one), stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      if (text.split(CLEAR).length > screens) child.kill('SIGTERM');
    });
    child.on('error', fail);
    child.on('exit', () => {
      clearTimeout(timer);
      // On a terminal the header is bold and underlined and lines end in \r\n; the screens are compared without that.
      const drawn = text.split(CLEAR).slice(1).map((screen) => screen.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\n/g, '\n'));
      if (drawn.length < screens) fail(new Error(`top drew ${drawn.length} screens: ${text}`));
      else done(drawn);
    });
  });
}

before(async () => {
  // A slow boot leaves time to `restart` a VM in BOOT.
  one = await Oned.start({ env: { VMM_DUMMY_DELAY_DEPLOY_MS: '2000' } });
});
after(async () => {
  await one.stop();
  one.remove();
});

describe('common options and failures', () => {
  it('prints the version, help and column lists without oned', async () => {
    for (const tool of ['onevm', 'onehost', 'onevnet', 'oneuser']) {
      ok(await cli(tool, '--version'), 'OpenNebula 1.4.0\n');
      ok(await cli(tool, '-h'), new RegExp(`Usage: ${tool}`));
      const bare = await cli(tool);
      assert.equal(bare.code, 255, 'no subcommand is an error');
      assert.match(bare.stdout, /Usage:/);
      ok(await cli(tool, '--list-columns'), /^\s+id \( 4\) => /m);
    }
    ok(await cli('onevm', '--list-columns', 'history'), /^\s+reason \( 6\) => /m);
    fails(await cli('onevm', 'frobnicate'), /unknown command 'frobnicate'/);
  });

  it('reports a template syntax error once, with its position once', async () => {
    for (const [tool, name] of [['onevm', 'syntax.vm'], ['onevnet', 'syntax.net']]) {
      const r = await cli(tool, 'create', file(name, 'NAME = ok\nCPU = [ oops\n'));
      fails(r, /^Error: Error parsing (VM|virtual network) template: .* at line \d+, column \d+\n$/);
      assert.equal(r.stderr.match(/at line/g)?.length, 1, r.stderr);
    }
  });

  it('fails clearly when oned is unreachable or the credentials are wrong', async () => {
    const closed = await freePort();
    fails(await runCli(one, 'onevm', ['list'], { env: { ONE_XMLRPC: `http://127.0.0.1:${closed}/RPC2` } }), /ECONNREFUSED|connect/i);
    writeFileSync(join(one.location, 'wrong_auth'), 'oneadmin:not-the-password\n');
    fails(await as('wrong', 'onehost', 'list'), /User not authenticated/);
    fails(await runCli(one, 'oneuser', ['list'], { env: { ONE_AUTH: join(one.location, 'no_such_file') } }), /no_such_file|ONE_AUTH|auth/i);
  });
});

describe('oneuser', () => {
  it('creates, lists, changes passwords, disables, enables and deletes users', async () => {
    ok(await cli('oneuser', 'create', '-v', 'alice', 'wonderland'), 'ID: 1\n');
    ok(await cli('oneuser', 'create', '--json', 'bob', 'builder'), '{"ID":2}\n');
    writeFileSync(join(one.location, 'alice_auth'), 'alice:wonderland\n');
    fails(await cli('oneuser', 'create', 'alice', 'again'), /Existing user, cannot duplicate/);

    const list = ok(await cli('oneuser', 'list'));
    assert.match(list, /^\s+ID USER\s+PASSWORD\s+ENABLE$/m);
    assert.match(list, /^\s+1 alice\s+.*True$/m);
    assert.match(ok(await cli('oneuser', 'list', '-x')), /^<USER_POOL>.*<NAME>bob<\/NAME>.*<\/USER_POOL>\n$/s);
    const json = JSON.parse(ok(await cli('oneuser', 'list', '--json')));
    assert.deepEqual(json.USER_POOL.USER.map((u: { NAME: string }) => u.NAME), ['oneadmin', 'alice', 'bob']);
    assert.equal(ok(await cli('oneuser', 'list', '-l', 'USER', '-o', '-ID')).trim().split('\n').map((l) => l.trim()).join(','), 'USER,bob,alice,oneadmin');
    assert.equal(ok(await cli('oneuser', 'list', '-f', 'USER=^b')).trim().split('\n').length, 2, 'header and bob');

    ok(await as('alice', 'onevm', 'list'));
    ok(await cli('oneuser', 'passwd', '-v', 'alice', 'looking-glass'), 'Password of user 1 changed\n');
    fails(await as('alice', 'onevm', 'list'), /User not authenticated/);
    writeFileSync(join(one.location, 'alice_auth'), 'alice:looking-glass\n');
    ok(await as('alice', 'onevm', 'list'));
    fails(await as('alice', 'oneuser', 'create', 'mallory', 'x'), /not authorized|oneadmin/i);

    ok(await cli('oneuser', 'disable', '-v', 'alice'), 'User 1 disabled\n');
    fails(await as('alice', 'onevm', 'list'), /User not authenticated/);
    assert.match(ok(await cli('oneuser', 'list')), /^\s+1 alice\s+.*False$/m);
    ok(await cli('oneuser', 'enable', 'alice'), '');
    ok(await as('alice', 'onevm', 'list'));

    // A user who owns VMs is only deleted after a typed YES.
    const vm = ok(await as('alice', 'onevm', 'create', '-v', file('alice.vm', 'NAME = alicevm\n')));
    const vid = Number(/ID: (\d+)/.exec(vm)![1]);
    const refused = await runCli(one, 'oneuser', ['delete', 'alice'], { input: 'no\n' });
    assert.equal(refused.code, 255);
    assert.match(refused.stdout, /User 1 still has 1 VM\(s\)\. Type YES to delete it: /);
    assert.equal(refused.stderr, 'Error: user 1 not deleted\n');
    assert.equal(tag(await one.ok('one.user.info', 1), 'NAME'), 'alice');
    const deleted = await runCli(one, 'oneuser', ['delete', '-v', 'alice'], { input: 'YES\n' });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /User 1 deleted\n$/);
    ok(await cli('oneuser', 'delete', '2'), '');
    assert.doesNotMatch(ok(await cli('oneuser', 'list')), /alice|bob/);
    fails(await cli('oneuser', 'delete', 'alice'), /user named "alice" not found/);
    ok(await cli('onevm', 'delete', String(vid)));
  });
});

describe('onehost', () => {
  it('adds, lists, shows, disables, enables and deletes hosts', async () => {
    ok(await cli('onehost', 'create', '-v', 'node0', 'im_dummy', 'vmm_dummy', 'tm_dummy'), 'ID: 0\n');
    ok(await cli('onehost', 'add', '--json', 'node1', 'im_dummy', 'vmm_dummy', 'tm_dummy'), '{"ID":1}\n');
    ok(await cli('onehost', 'create', 'spare', 'im_dummy', 'vmm_dummy', 'tm_dummy'), '');
    fails(await cli('onehost', 'create', 'node9', 'im_nope', 'vmm_dummy', 'tm_dummy'), /im_nope/);
    await waitFor('hosts monitored', async () => (String(await one.ok('one.hostpool.info')).match(/<STATE>2<\/STATE>/g) ?? []).length === 3);

    const list = ok(await cli('onehost', 'list'));
    assert.match(list, /^\s+ID NAME\s+RVM\s+TCPU\s+FCPU\s+ACPU\s+TMEM\s+FMEM STAT$/m);
    assert.match(list, /^\s+0 node0\s+0\s+800\s+\d+\s+\d+\s+16777216\s+\d+ on$/m);
    const show = ok(await cli('onehost', 'show', 'node1'));
    assert.match(show, /^HOST 1 INFORMATION\nID\s+: 1\nNAME\s+: node1\nSTATE\s+: MONITORED\nIM_MAD\s+: im_dummy\n/);
    assert.match(show, /^RUNNING VMS\s+: 0$/m);
    assert.match(show, /^MONITORING INFORMATION\n(.*\n)*HYPERVISOR=dummy$/m);
    const two = ok(await cli('onehost', 'show', 'node[0-1]'));
    assert.equal(two.match(/^HOST \d INFORMATION$/gm)!.join(','), 'HOST 0 INFORMATION,HOST 1 INFORMATION');
    assert.match(ok(await cli('onehost', 'show', '-x', '0')), /^<HOST><ID>0<\/ID><NAME>node0<\/NAME>.*<\/HOST>\n$/s);
    assert.equal(JSON.parse(ok(await cli('onehost', 'show', '--json', '1'))).HOST.NAME, 'node1');
    assert.match(ok(await cli('onehost', 'list', '-x')), /^<HOST_POOL>/);
    assert.equal(JSON.parse(ok(await cli('onehost', 'list', '--json'))).HOST_POOL.HOST.length, 3);

    ok(await cli('onehost', 'disable', '-v', 'node[0-1]'), 'Host 0 disabled\nHost 1 disabled\n');
    assert.match(ok(await cli('onehost', 'list', '-f', 'STAT=off')), /node0(.*\n)*.*node1/);
    ok(await cli('onehost', 'enable', '0', 'node1'), '');
    await waitFor('hosts back on', async () => (String(await one.ok('one.hostpool.info')).match(/<STATE>4<\/STATE>/g) ?? []).length === 0);

    const drawn = await topScreens('onehost', ['-d', '0.2'], 2);
    for (const screen of drawn) assert.match(screen, /^\s+ID NAME.*\n(.*\n)*\s+2 spare/);

    ok(await cli('onehost', 'delete', '-v', 'spare'), 'Host 2 deleted\n');
    fails(await cli('onehost', 'show', '2'), /host/i);
    fails(await cli('onehost', 'delete', 'nosuchhost'), /host named "nosuchhost" not found/);
  });
});

describe('onevnet', () => {
  it('creates, lists, shows, publishes and deletes networks', async () => {
    const created = ok(await cli('onevnet', 'create', '-v', file('lan.net', 'NAME = lan\nTYPE = RANGED\nBRIDGE = br0\nNETWORK_ADDRESS = 10.9.0.0\nNETWORK_SIZE = C\n')));
    assert.equal(created, 'ID: 0\n');
    ok(await cli('onevnet', 'create', '--json', file('pub.net', 'NAME = pub\nTYPE = FIXED\nBRIDGE = br1\nLEASES = [ IP = 192.0.2.7 ]\n')), '{"ID":1}\n');
    fails(await cli('onevnet', 'create', file('broken.net', 'NAME = [ oops\n')), /Error parsing virtual network template/);
    fails(await cli('onevnet', 'create', join(one.location, 'missing.net')), /cannot read template file .*missing\.net: ENOENT/);

    assert.match(ok(await cli('onevnet', 'list')), /^\s+ID USER\s+NAME\s+TYPE\s+BRIDGE #LEASES\n\s+0 oneadmin lan\s+Ranged br0\s+0\n\s+1 oneadmin pub\s+Fixed\s+br1\s+0\n$/);
    assert.equal(ok(await cli('onevnet', 'list', 'oneadmin')).trim().split('\n').length, 3);
    assert.equal(ok(await cli('onevnet', 'list', 'nobody')).trim().split('\n').length, 1, 'only the header');
    assert.match(ok(await cli('onevnet', 'list', '-x')), /^<VNET_POOL>/);
    assert.equal(JSON.parse(ok(await cli('onevnet', 'list', '--json'))).VNET_POOL.VNET.length, 2);
    const show = ok(await cli('onevnet', 'show', 'pub'));
    assert.match(show, /^VIRTUAL NETWORK 1 INFORMATION\nID\s+: 1\nUID\s+: 0\n/);
    assert.match(show, /^LEASE=\[ IP=192\.0\.2\.7, MAC=00:01:c0:00:02:07, USED=0, VID=-1 \]$/m);
    assert.match(ok(await cli('onevnet', 'show', '-x', '0')), /^<VNET><ID>0<\/ID><UID>0<\/UID><NAME>lan<\/NAME>/);
    assert.equal(JSON.parse(ok(await cli('onevnet', 'show', '--json', 'lan'))).VNET.BRIDGE, 'br0');

    ok(await cli('onevnet', 'publish', '-v', 'pub'), 'Virtual network 1 published\n');
    assert.equal(tag(await one.ok('one.vn.info', 1), 'PUBLIC'), '1');
    ok(await cli('onevnet', 'unpublish', '1'), '');
    assert.equal(tag(await one.ok('one.vn.info', 1), 'PUBLIC'), '0');
    // One id fails, the other is still deleted; the exit code says something failed.
    const partly = await cli('onevnet', 'delete', '-v', '7', 'pub');
    assert.equal(partly.code, 255);
    assert.equal(partly.stdout, 'Virtual network 1 deleted\n');
    assert.match(partly.stderr, /^Error: .*7/);
    fails(await cli('onevnet', 'show', 'pub'), /virtual network named "pub" not found/);
  });
});

describe('onevm', () => {
  it('creates, lists and shows VMs, by id, name and range', async () => {
    const tpl = file('web.vm', 'NAME = web1\nCPU = 0.1\nMEMORY = 64\nNIC = [ NETWORK = lan ]\n');
    const first = Number(/ID: (\d+)/.exec(ok(await cli('onevm', 'create', '-v', tpl)))![1]);
    const second = JSON.parse(ok(await cli('onevm', 'submit', '--json', file('web2.vm', 'NAME = web2\nCPU = 0.1\nMEMORY = 64\n')))).ID as number;
    assert.equal(second, first + 1);
    ok(await cli('onevm', 'create', file('dup.vm', 'NAME = dup\n')));
    ok(await cli('onevm', 'create', file('dup.vm', 'NAME = dup\n')));
    fails(await cli('onevm', 'create', file('bad.vm', 'NAME = "unterminated\n')), /Error parsing VM template/);
    fails(await cli('onevm', 'create', file('nonet.vm', 'NIC = [ NETWORK = nowhere ]\n')), /Error getting network nowhere/);

    const list = ok(await cli('onevm', 'list'));
    assert.match(list, /^\s+ID USER\s+NAME\s+STAT CPU\s+MEM HOSTNAME\s+TIME$/m);
    assert.match(list, new RegExp(`^\\s+${first} oneadmin web1\\s+pend\\s+0\\s+0\\s+\\d\\d \\d\\d:\\d\\d:\\d\\d$`, 'm'));
    for (const who of ['a', 'all', 'm', 'mine', '0', 'oneadmin']) assert.match(ok(await cli('onevm', 'list', who)), /web2/, who);
    assert.doesNotMatch(ok(await cli('onevm', 'list', 'nobody')), /web/);
    assert.equal(ok(await cli('onevm', 'list', '-l', 'NAME', '-o', '-ID', '-f', 'NAME=web')).split('\n').map((l) => l.trim()).join(','), 'NAME,web2,web1,');
    assert.match(ok(await cli('onevm', 'list', '-x')), /^<VM_POOL><VM><ID>/);
    assert.equal(JSON.parse(ok(await cli('onevm', 'list', '--json'))).VM_POOL.VM.length, 4);

    const show = ok(await cli('onevm', 'show', 'web1'));
    assert.match(show, new RegExp(`^VIRTUAL MACHINE ${first} INFORMATION\nID\\s+: ${first}\nNAME\\s+: web1\nSTATE\\s+: PENDING\nLCM_STATE\\s+: LCM_INIT\n`));
    assert.match(show, /^END TIME\s+: -$/m);
    assert.match(show, /^NIC=\[\n  BRIDGE=br0,\n  IP=10\.9\.0\.1,\n  MAC=00:01:0a:09:00:01,\n  NETWORK=lan,\n  VNID=0 \]$/m);
    const both = ok(await cli('onevm', 'show', 'web[1-2]'));
    assert.equal(both.match(/^VIRTUAL MACHINE \d+ INFORMATION$/gm)!.length, 2);
    assert.equal(ok(await cli('onevm', 'show', '-x', String(first), String(second))).trim().split('\n').length, 2, 'one document per line');
    assert.equal(JSON.parse(ok(await cli('onevm', 'show', '--json', 'web2'))).VM.NAME, 'web2');
    fails(await cli('onevm', 'show', 'dup'), /several VMs named "dup"/);
    fails(await cli('onevm', 'show', '999'), /999/);
    fails(await cli('onevm', 'show', 'web[2-1]'), /empty range/);
    const dups = (JSON.parse(ok(await cli('onevm', 'list', '--json', '-f', 'NAME=dup'))).VM_POOL.VM as { ID: string; NAME: string }[])
      .filter((v) => v.NAME === 'dup')
      .map((v) => v.ID);
    assert.equal(dups.length, 2);
    ok(await cli('onevm', 'delete', ...dups), '');
    assert.doesNotMatch(ok(await cli('onevm', 'list')), /dup/);
  });

  it('takes VMs through every action, and reports wrong states', async () => {
    const ids = async (name: string) => {
      const pool = JSON.parse(ok(await cli('onevm', 'list', '--json'))).VM_POOL.VM as { ID: string; NAME: string }[];
      return Number(pool.find((v) => v.NAME === name)!.ID);
    };
    const a = await ids('web1');
    const b = await ids('web2');

    ok(await cli('onevm', 'hold', '-v', 'web1'), `VM ${a}: Setting VM to hold state\n`);
    assert.equal(await vmState(a), '2/0');
    fails(await cli('onevm', 'deploy', 'web1', 'node0'), /wrong state/);
    ok(await cli('onevm', 'release', 'web1'), '');
    assert.equal(await vmState(a), '1/0');
    fails(await cli('onevm', 'deploy', 'web1'), /deploy needs <vm…> <host>/);
    fails(await cli('onevm', 'deploy', 'web1', 'nohost'), /host named "nohost" not found/);

    ok(await cli('onevm', 'deploy', '-v', 'web[1-2]', 'node0'), `VM ${a}: Deploying VM\nVM ${b}: Deploying VM\n`);
    await vmReaches(a, '3/2'); // BOOT, for a while (VMM_DUMMY_DELAY_DEPLOY_MS)
    ok(await cli('onevm', 'restart', '-v', String(a)), `VM ${a}: Restarting VM\n`);
    await vmReaches(a, '3/3');
    await vmReaches(b, '3/3');
    fails(await cli('onevm', 'restart', String(a)), /Wrong state/);
    // One wrong id among good ones: the others are still acted on.
    const partly = await cli('onevm', 'suspend', '-v', String(a), '4242');
    assert.equal(partly.code, 255);
    assert.equal(partly.stdout, `VM ${a}: Suspending VM\n`);
    assert.match(partly.stderr, /^Error: .*\n$/);
    await vmReaches(a, '5/');
    ok(await cli('onevm', 'resume', String(a)));
    await vmReaches(a, '3/3');

    ok(await cli('onevm', 'migrate', '-v', String(a), 'node1'), `VM ${a}: Migrating VM\n`);
    await waitFor('on node1', async () => (await vmState(a)) === '3/3' && tag(await one.ok('one.vm.info', a), 'HOSTNAME') === 'node1');
    ok(await cli('onevm', 'livemigrate', String(a), 'node0'));
    await waitFor('back on node0', async () => (await vmState(a)) === '3/3' && tag(await one.ok('one.vm.info', a), 'HOSTNAME') === 'node0');

    const history = ok(await cli('onevm', 'history'));
    assert.match(history, /^\s+ID SEQ HOSTNAME\s+STIME\s+ETIME\s+TIME REASON$/m);
    // deploy (0), restore after suspend (1), migrate (2), live migrate (3); a restart adds no record
    assert.match(history, new RegExp(`^\\s+${a}\\s+3 node0\\s+\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+--\\s+\\d\\d \\d\\d:\\d\\d:\\d\\d none$`, 'm'));
    assert.match(ok(await cli('onevm', 'history', String(b))), new RegExp(`^\\s+${b}\\s+0 node0`, 'm'));
    assert.match(ok(await cli('onevm', 'history', '-x', 'web2')), /<HISTORY>/);
    assert.equal(JSON.parse(ok(await cli('onevm', 'history', '--json', 'web2')))[0].HISTORY.HOSTNAME, 'node0');

    const screens = await topScreens('onevm', ['-d', '0.2'], 2);
    for (const screen of screens) assert.match(screen, /web1\s+runn/);

    // A host with VMs is disabled, not deleted.
    ok(await cli('onehost', 'delete', 'node0'), /^Host 0 still has associated VMs \(2\), disabling it instead of deleting it\.\n$/);
    assert.equal(tag(await one.ok('one.host.info', 0), 'STATE'), '4');
    ok(await cli('onehost', 'enable', 'node0'));

    ok(await cli('onevm', 'stop', String(a)));
    await vmReaches(a, '4/');
    ok(await cli('onevm', 'resume', String(a)));
    await vmReaches(a, '1/');
    ok(await cli('onevm', 'resubmit', '-v', String(b)), `VM ${b}: Resubmitting VM\n`);
    await vmReaches(b, '1/');
    ok(await cli('onevm', 'deploy', String(a), String(b), '1'));
    await vmReaches(a, '3/3');
    await vmReaches(b, '3/3');
    ok(await cli('onevm', 'cancel', '-v', 'web1'), `VM ${a}: Cancelling VM\n`);
    ok(await cli('onevm', 'shutdown', '-v', 'web2'), `VM ${b}: Shutting down VM\n`);
    await vmReaches(a, '6/');
    await vmReaches(b, '6/');
    fails(await cli('onevm', 'shutdown', String(a)), /Wrong state/);
    ok(await cli('onevm', 'delete', String(a)), '');
    assert.match(ok(await cli('onevm', 'show', String(a))), /^STATE\s+: DONE$/m);
    assert.doesNotMatch(ok(await cli('onevm', 'list')), /web1|web2/, 'DONE VMs leave the list');
  });
});
