import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseOneXml, xmlPath, type XmlNode } from '../../src/cli/lib/one-xml.ts';
import { allEvents, Oned, REPO, waitFor } from '../helpers/oned-harness.ts';
import { Scheduler } from '../helpers/sched-harness.ts';

/**
 * oned and mm_sched as separate processes, with dummy drivers: hosts of
 * 4 CPUs and 4 GB, so that capacity, REQUIREMENTS and RANK all matter.
 */
const HOST_ENV = { IM_DUMMY_CPU: '400', IM_DUMMY_MEMORY: String(4 * 1024 * 1024) };
const SCHED_CONF = 'SCHED_INTERVAL = 5\nMAX_VM = 1000\nMAX_DISPATCH = 1000\nMAX_HOST = 100\nHYPERVISOR_MEM = 0.1\nDEFAULT_SCHED = [ POLICY = 1 ]\n';
const RUNNING = '3';

interface VmSeen {
  readonly id: number;
  readonly state: string;
  readonly lcm: string;
  readonly hostName?: string;
  readonly schedMessage?: string;
}

async function vmInfo(one: Oned, id: number): Promise<VmSeen> {
  const doc = parseOneXml(String(await one.ok('one.vm.info', id)));
  const text = (path: string) => {
    const v: XmlNode | undefined = xmlPath(doc, path);
    return typeof v === 'string' ? v : undefined;
  };
  return {
    id,
    state: text('VM/STATE') ?? '',
    lcm: text('VM/LCM_STATE') ?? '',
    hostName: text('VM/HISTORY/HOSTNAME'),
    schedMessage: text('VM/TEMPLATE/SCHED_MESSAGE'),
  };
}

async function startWithHosts(count: number): Promise<Oned> {
  const one = await Oned.start({ env: HOST_ENV });
  for (let i = 0; i < count; i++) await one.ok('one.host.allocate', `host${i}`, 'im_dummy', 'vmm_dummy', 'tm_dummy');
  await waitFor('every host monitored', async () => {
    const doc = String(await one.ok('one.hostpool.info'));
    return (doc.match(/<MAX_CPU>400<\/MAX_CPU>/g) ?? []).length === count;
  }, 60_000);
  return one;
}

const allocate = async (one: Oned, template: string) => (await one.ok('one.vm.allocate', template)) as number;

describe('mm_sched against oned', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  const track = (one: Oned) => cleanups.push(async () => (await one.stop(), one.remove()));
  const trackSched = (s: Scheduler) => cleanups.push(() => s.stop());

  it('places every VM that can run on a host its REQUIREMENTS allow, and tells why the others wait', async () => {
    const one = await startWithHosts(5);
    track(one);
    const sched = await Scheduler.start(one, { conf: SCHED_CONF });
    trackSched(sched);

    const allowed = new Map<number, RegExp>();
    for (let i = 0; i < 20; i++) {
      allowed.set(await allocate(one, `NAME=a${i}\nCPU=0.25\nMEMORY=256\nREQUIREMENTS="HOSTNAME = \\"host[01]\\""\nRANK=FREE_CPU`), /^host[01]$/);
    }
    for (let i = 0; i < 15; i++) allowed.set(await allocate(one, `NAME=b${i}\nCPU=0.5\nMEMORY=512\nREQUIREMENTS="ID >= 2"`), /^host[234]$/);
    for (let i = 0; i < 10; i++) allowed.set(await allocate(one, `NAME=c${i}\nCPU=0.25\nMEMORY=128\nRANK="- RUNNING_VMS"`), /^host[0-4]$/);
    const tooBig = [] as number[];
    for (let i = 0; i < 3; i++) tooBig.push(await allocate(one, `NAME=big${i}\nCPU=0.1\nMEMORY=100000`));
    const nowhere = await allocate(one, 'NAME=nowhere\nCPU=0.1\nMEMORY=64\nREQUIREMENTS="NAME = \\"nowhere*\\""');
    const broken = await allocate(one, 'NAME=broken\nCPU=0.1\nMEMORY=64\nREQUIREMENTS="FREE_CPU >"');

    for (const [id, hosts] of allowed) {
      const vm = await waitFor(`VM ${id} RUNNING`, async () => {
        const seen = await vmInfo(one, id);
        return seen.lcm === RUNNING ? seen : undefined;
      }, 60_000);
      assert.match(vm.hostName ?? '', hosts, `VM ${id} ran on ${vm.hostName}`);
    }
    for (const id of tooBig) {
      const vm = await waitFor(`SCHED_MESSAGE of VM ${id}`, async () => {
        const seen = await vmInfo(one, id);
        return seen.schedMessage ? seen : undefined;
      });
      assert.equal(vm.state, '1');
      assert.equal(vm.schedMessage, '0/5 hosts: 5 lacked MEMORY');
    }
    const lost = await waitFor('SCHED_MESSAGE of the VM no host matches', async () => (await vmInfo(one, nowhere)).schedMessage);
    assert.equal(lost, '0/5 hosts: 5 failed REQUIREMENTS');
    const bad = await waitFor('SCHED_MESSAGE of the VM with a broken REQUIREMENTS', async () => (await vmInfo(one, broken)).schedMessage);
    assert.match(bad, /REQUIREMENTS/);
    assert.match(bad, /column/);

    // Nothing was deployed twice, and no host holds more than it has.
    const deployed = (await allEvents(one)).filter((e) => e.event.type === 'VmDeployed');
    assert.equal(deployed.length, allowed.size);
    assert.equal(new Set(deployed.map((e) => e.stream)).size, allowed.size);
    const hosts = parseOneXml(String(await one.ok('one.hostpool.info')));
    for (const h of [xmlPath(hosts, 'HOST_POOL/HOST')].flat() as XmlNode[]) {
      const share = (name: string) => Number(xmlPath(h, `HOST_SHARE/${name}`));
      assert.ok(share('CPU_USAGE') <= share('MAX_CPU'), `host ${String(xmlPath(h, 'NAME'))} CPU`);
      assert.ok(share('MEM_USAGE') <= share('MAX_MEM') * 0.9, `host ${String(xmlPath(h, 'NAME'))} memory`);
    }
    // An unplaceable VM adds no event per pass: the messages were written once.
    const messages = (await allEvents(one)).filter((e) => e.event.type === 'VmSchedMessageSet');
    assert.equal(messages.length, tooBig.length + 2);
  });

  it('loses and repeats nothing when mm_sched is killed mid-burst and started again', async () => {
    const one = await startWithHosts(5);
    track(one);
    // One VM per pass, so that the kill lands between deploys of the burst.
    const slow = 'MAX_DISPATCH = 1\nMAX_HOST = 100\nSCHED_INTERVAL = 5\n';
    let sched = await Scheduler.start(one, { conf: slow });
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push(await allocate(one, `NAME=k${i}\nCPU=0.1\nMEMORY=64`));
    await waitFor('some VMs deployed', async () => (await allEvents(one)).filter((e) => e.event.type === 'VmDeployed').length >= 5);
    await sched.kill();
    const deployedAtKill = (await allEvents(one)).filter((e) => e.event.type === 'VmDeployed').length;
    assert.ok(deployedAtKill < ids.length, 'the kill came before the end of the burst');

    sched = await Scheduler.start(one, { conf: SCHED_CONF });
    trackSched(sched);
    for (const id of ids) await waitFor(`VM ${id} RUNNING`, async () => (await vmInfo(one, id)).lcm === RUNNING, 60_000);
    const deployed = (await allEvents(one)).filter((e) => e.event.type === 'VmDeployed').map((e) => e.stream);
    assert.equal(deployed.length, ids.length, 'each VM deployed exactly once');
    assert.equal(new Set(deployed).size, ids.length);
  });

  it('carries on after oned restarts under it', async () => {
    let one = await startWithHosts(2);
    const sched = await Scheduler.start(one, { conf: SCHED_CONF });
    trackSched(sched);
    const first = await allocate(one, 'NAME=before\nCPU=0.1\nMEMORY=64');
    await waitFor('the first VM RUNNING', async () => (await vmInfo(one, first)).lcm === RUNNING, 30_000);

    await one.stop();
    one = await Oned.start({ location: one.location, port: one.port, env: HOST_ENV });
    track(one);
    assert.equal(one.port, Number(new URL(sched.endpoint).port), 'oned came back on the port mm_sched knows');
    await waitFor('mm_sched to resynchronise', () => sched.log().split('Synchronizing with oned').length - 1 >= 2, 60_000);
    const second = await allocate(one, 'NAME=after\nCPU=0.1\nMEMORY=64');
    await waitFor('the VM allocated after the restart RUNNING', async () => (await vmInfo(one, second)).lcm === RUNNING, 60_000);
    assert.match(sched.log(), /Event feed interrupted/);
  });

  it('--dry-run prints the plan with ranks and reasons, and deploys nothing', async () => {
    const one = await startWithHosts(3);
    track(one);
    const placeable = await allocate(one, 'NAME=dry\nCPU=0.5\nMEMORY=128\nRANK="ID * 10"');
    const unplaceable = await allocate(one, 'NAME=dry-big\nCPU=0.1\nMEMORY=900000');
    const r = spawnSync(join(REPO, 'bin', 'mm_sched'), ['--dry-run'], {
      env: { ...one.env, ONE_XMLRPC: `http://127.0.0.1:${one.port}/RPC2` },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 pending VMs, 3 hosts: 1 would be deployed now\./);
    assert.match(r.stdout, new RegExp(`^${placeable}\\s+2\\s+20$`, 'm'), r.stdout);
    assert.match(r.stdout, new RegExp(`not placed: VM ${unplaceable}: 0/3 hosts: 3 lacked MEMORY`));
    const deployed = (await allEvents(one)).filter((e) => e.event.type === 'VmDeployed' || e.event.type === 'VmSchedMessageSet');
    assert.deepEqual(deployed, []);
    assert.equal((await vmInfo(one, placeable)).state, '1');
  });

  it('places a waiting VM as soon as room appears, without waiting for the sweep', async () => {
    const one = await startWithHosts(1);
    track(one);
    const sched = await Scheduler.start(one, { conf: SCHED_CONF.replace('SCHED_INTERVAL = 5', 'SCHED_INTERVAL = 3600') });
    trackSched(sched);
    const full = [] as number[];
    for (let i = 0; i < 4; i++) full.push(await allocate(one, `NAME=f${i}\nCPU=1\nMEMORY=64`));
    for (const id of full) await waitFor(`VM ${id} RUNNING`, async () => (await vmInfo(one, id)).lcm === RUNNING, 30_000);
    const waiting = await allocate(one, 'NAME=waiting\nCPU=1\nMEMORY=64');
    assert.equal(await waitFor('the reason it waits', async () => (await vmInfo(one, waiting)).schedMessage), '0/1 hosts: 1 lacked CPU');

    // A VM leaves the host: its CPU is free again, and the waiting VM takes it.
    await one.ok('one.vm.action', 'finalize', full[0]);
    const placed = await waitFor('the waiting VM RUNNING', async () => {
      const vm = await vmInfo(one, waiting);
      return vm.lcm === RUNNING ? vm : undefined;
    }, 30_000);
    assert.equal(placed.hostName, 'host0');
    assert.equal(placed.schedMessage, undefined, 'the message went with the deploy');

    // A new host appears: the next waiting VM goes there once it is monitored.
    const next = await allocate(one, 'NAME=next\nCPU=1\nMEMORY=64');
    await waitFor('the next reason', async () => (await vmInfo(one, next)).schedMessage);
    await one.ok('one.host.allocate', 'host1', 'im_dummy', 'vmm_dummy', 'tm_dummy');
    const moved = await waitFor('the next VM RUNNING', async () => {
      const vm = await vmInfo(one, next);
      return vm.lcm === RUNNING ? vm : undefined;
    }, 30_000);
    assert.equal(moved.hostName, 'host1');
  });
});
