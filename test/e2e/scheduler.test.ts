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
});
