/**
 * What mm_sched needs from oned, against a real oned with the dummy drivers:
 * one.vm.schedmessage and one.event.tip (through Python's xmlrpc.client as an
 * outside client), SCHED_MESSAGE in `onevm show`, through a restart and a
 * rebuild, dropped on deploy; and one.vm.deploy refusing what a scheduler
 * must never do twice or on the wrong host, with HOST_SHARE up at once.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allEvents, cliEnv, Oned, REPO, runCli, runPython, waitFor } from '../helpers/oned-harness.ts';

const REASON = '0/2 hosts: 1 failed REQUIREMENTS, 1 lacked MEMORY';
const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];
const shareOf = (pool: unknown, hid: number) => {
  const host = String(pool).split('<HOST>').find((h) => h.startsWith(`<ID>${hid}</ID>`))!;
  return { cpu: tag(host, 'CPU_USAGE'), mem: tag(host, 'MEM_USAGE'), vms: tag(host, 'RUNNING_VMS') };
};

describe('SCHED_MESSAGE, one.event.tip and one.vm.deploy for the scheduler', () => {
  let one: Oned;
  let vid: number;
  before(async () => {
    // No host yet: nothing but the calls under test appends, so one.event.tip is steady.
    one = await Oned.start({ env: { IM_DUMMY_FAIL_HOSTS: 'node1' } });
    vid = (await one.ok('one.vm.allocate', 'NAME = web\nCPU = 0.5\nMEMORY = 128\nSCHED_MESSAGE = "forged by the owner"')) as number;
  });
  after(async () => {
    await one?.stop();
    one?.remove();
  });

  it('a template attribute of that name is never shown as the scheduler message', async () => {
    assert.equal(tag(await one.ok('one.vm.info', vid), 'SCHED_MESSAGE'), undefined);
  });

  it('Python xmlrpc.client: set, read back, no event for a repeat, attack strings, non-oneadmin refused', async () => {
    const out = await runPython(join(import.meta.dirname, 'python', 'sched_message.py'), [`http://127.0.0.1:${one.port}/RPC2`, String(vid)]);
    const { checks } = JSON.parse(out) as { checks: [string, boolean, string][] };
    assert.ok(checks.length >= 25, `only ${checks.length} checks ran`);
    for (const [name, ok, detail] of checks) assert.ok(ok, `${name}: got ${detail}`);
  });

  it('onevm show prints the message, and it survives a restart and a rebuild from the whole log', async () => {
    const show = await runCli(one, 'onevm', ['show', String(vid)]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`^SCHED MESSAGE  : ${REASON.replace(/\//g, '\\/')}$`, 'm'));
    for (const args of [[], ['--rebuild']]) {
      await one.stop();
      one = await Oned.start({ location: one.location, env: one.env, args });
      assert.equal(tag(await one.ok('one.vm.info', vid), 'SCHED_MESSAGE'), REASON, `after a restart ${args.join(' ')}`);
    }
  });

  it('one.event.tip is the seq of the newest event: one.event.poll from it has only what comes next', async () => {
    const events = await allEvents(one);
    const tip = (await one.ok('one.event.tip')) as number;
    assert.equal(tip, events.at(-1)!.seq);
    assert.equal(events.filter((e) => e.stream === `vm/${vid}` && e.event.type === 'VmSchedMessageSet').length, 3, 'set, changed, set back');
    assert.equal(await one.ok('one.event.poll', tip, 10, 0), '[]');
    await one.ok('one.vm.allocate', 'NAME = next');
    const next = JSON.parse(String(await one.ok('one.event.poll', tip, 10, 0))) as { seq: number; event: { type: string } }[];
    assert.deepEqual(next.map((e) => [e.seq, e.event.type]), [[tip + 1, 'VmAllocated']]);
    assert.equal(await one.ok('one.event.tip'), tip + 1);
  });

  it('deploy refuses an ERROR, a DISABLED and a deleted host; then places the VM, counts it on the host at once and drops the message', async () => {
    // node1 fails monitoring (ERROR); node2 is disabled; node0 takes the VM.
    for (const name of ['node0', 'node1', 'node2']) await one.ok('one.host.allocate', name, 'im_dummy', 'vmm_dummy', 'tm_dummy');
    await one.ok('one.host.enable', 2, false);
    await waitFor('node1 in ERROR', async () => tag(await one.ok('one.host.info', 1), 'STATE') === '3');
    const vmEvents = async () => (await allEvents(one)).filter((e) => e.stream === `vm/${vid}`);
    const before = (await vmEvents()).length;
    assert.deepEqual(await one.call('one.vm.deploy', vid, 1), [false, `Can not deploy VM ${vid}: host 1 (node1) is ERROR`, 0x800]);
    assert.deepEqual(await one.call('one.vm.deploy', vid, 2), [false, `Can not deploy VM ${vid}: host 2 (node2) is DISABLED`, 0x800]);
    const gone = (await one.ok('one.host.allocate', 'node3', 'im_dummy', 'vmm_dummy', 'tm_dummy')) as number;
    await one.ok('one.host.delete', gone);
    assert.deepEqual(await one.call('one.vm.deploy', vid, gone), [false, `The host ${gone} does not exists`, 0x400]);
    assert.equal((await vmEvents()).length, before, 'a refused deploy appends nothing');

    const idle = shareOf(await one.ok('one.hostpool.info'), 0);
    assert.deepEqual(await one.call('one.vm.deploy', vid, 0), [true, vid, 0]);
    // Read right after the answer: the scheduler's next pass sees the VM counted.
    assert.deepEqual(shareOf(await one.ok('one.hostpool.info'), 0), { cpu: String(Number(idle.cpu) + 50), mem: String(Number(idle.mem) + 131072), vms: String(Number(idle.vms) + 1) });
    const info = await one.ok('one.vm.info', vid);
    assert.equal(tag(info, 'STATE'), '3');
    assert.equal(tag(info, 'SCHED_MESSAGE'), undefined, 'deploy drops the message');
    // The dummy drivers may already have moved the VM on (prolog, boot): none of that is a message event.
    const after = (await vmEvents()).slice(before).map((e) => e.event.type);
    assert.equal(after[0], 'VmDeployed');
    assert.ok(!after.includes('VmSchedMessageSet'), `no event of its own clears it: ${after.join(', ')}`);

    // A scheduler restarted with an old plan: the second deploy is refused, and so is a message.
    assert.deepEqual(await one.call('one.vm.deploy', vid, 0), [false, `Can not deploy VM ${vid}, wrong state`, 0x800]);
    const [ok, text, code] = await one.call('one.vm.schedmessage', vid, REASON);
    assert.deepEqual([ok, code], [false, 0x800]);
    assert.match(String(text), /it is ACTIVE, not PENDING/);
  });

  it('oneaudit verifies the chain and replays the log, SCHED_MESSAGE included, to what oned serves', async () => {
    const other = (await one.ok('one.vm.allocate', 'NAME = waiting')) as number;
    await one.ok('one.vm.schedmessage', other, 'no host has room');
    for (const command of ['verify', 'replay']) {
      const run = spawnSync(join(REPO, 'bin', 'oneaudit'), [command], { env: cliEnv(one), encoding: 'utf8', timeout: 60_000 });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, command === 'verify' ? /hash chain verified/ : /replay matches oned/);
    }
  });
});
