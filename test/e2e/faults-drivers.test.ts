/**
 * Drivers that misbehave while VMs are in flight (test/helpers/fault-driver, configured in
 * oned.conf like any driver): one that hangs (a VMM and an IM), one that prints garbage. oned
 * gives up on a request after DRIVER_TIMEOUT (4 s here): the VMs whose DEPLOY got no answer
 * end FAILED and the host whose MONITOR got none ERROR, with the timeout in vm.log and
 * oned.log; garbage lines are dropped with a warning and change nothing; VMs on sound
 * drivers deploy and run meanwhile, and oned answers Python's xmlrpc.client throughout.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findNamed } from '../integration/drivers/tm-support.ts';
import { dummyConf, makeLocation, Oned, REPO, runPython, waitFor } from '../helpers/oned-harness.ts';

const FAULT_DRIVER = join(REPO, 'test/helpers/fault-driver');
const TIMEOUT_S = 4;
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const [ACTIVE, FAILED, RUNNING] = ['3', '7', '3'];
const [MONITORED, ERROR] = ['2', '3'];

describe('drivers that hang or print garbage while VMs are in flight', () => {
  let one: Oned;
  const hosts: Record<string, number> = {};

  const vmXml = async (vid: number) => String(await one.ok('one.vm.info', vid));
  const vmLog = (vid: number) => readIfThere(join(one.location, 'var', String(vid), 'vm.log'));
  const serving = async () => JSON.parse(await runPython(join(REPO, 'test/e2e/python/still_serving.py'), [`http://127.0.0.1:${one.port}/RPC2`])) as
    { seconds: number; vms: Record<string, [number, number]>; hosts: Record<string, number> };
  const reaches = (vid: number, state: string, lcm?: string) =>
    waitFor(`VM ${vid} in ${state}/${lcm ?? '*'} (log: ${vmLog(vid)})`, async () => {
      const xml = await vmXml(vid);
      return tag(xml, 'STATE') === state && (lcm === undefined || tag(xml, 'LCM_STATE') === lcm);
    }, 30_000);
  const deployed = async (host: string, n: number) => {
    const vids: number[] = [];
    for (let i = 0; i < n; i++) {
      const vid = (await one.ok('one.vm.allocate', `NAME = "on ${host}"\nMEMORY = 64\nCPU = 0.1`)) as number;
      await one.ok('one.vm.deploy', vid, hosts[host]);
      vids.push(vid);
    }
    return vids;
  };

  before(async () => {
    const conf = dummyConf(0, [
      `IM_MAD = [ name = "im_hang", executable = "${FAULT_DRIVER}", arguments = "hang" ]`,
      `VM_MAD = [ name = "vmm_hang", executable = "${FAULT_DRIVER}", arguments = "hang", type = "dummy" ]`,
      `VM_MAD = [ name = "vmm_garbage", executable = "${FAULT_DRIVER}", arguments = "garbage", type = "dummy" ]`,
    ].join('\n')).replace(/^DRIVER_TIMEOUT = \d+$/m, `DRIVER_TIMEOUT = ${TIMEOUT_S}`);
    one = await Oned.start({ location: makeLocation(conf) });
    for (const [name, im, vmm] of [
      ['sound', 'im_dummy', 'vmm_dummy'],
      ['hung', 'im_dummy', 'vmm_hang'],
      ['monitor-hung', 'im_hang', 'vmm_dummy'],
      ['garbage', 'im_dummy', 'vmm_garbage'],
      ['garbage-then-ok', 'im_dummy', 'vmm_garbage'],
    ]) hosts[name] = (await one.ok('one.host.allocate', name, im, vmm, 'tm_dummy')) as number;
  });

  after(async () => {
    await one?.stop();
    one?.remove();
  });

  it('a hung VMM fails its VMs after DRIVER_TIMEOUT, a hung IM puts its host in ERROR; the rest runs on', async () => {
    const stuck = await deployed('hung', 3);
    const [fine] = await deployed('sound', 1);
    const during = await serving();
    for (const vid of stuck) assert.ok([`${ACTIVE}/2`, `${FAILED}/0`].includes(during.vms[vid].join('/')), `VM ${vid}: ${during.vms[vid]}`);
    await reaches(fine, ACTIVE, RUNNING);

    for (const vid of stuck) {
      await reaches(vid, FAILED);
      await waitFor(`VM ${vid}'s log`, () => vmLog(vid).includes(`DEPLOY failed: Timeout: driver vmm_hang did not answer DEPLOY within ${TIMEOUT_S * 1000} ms`));
      assert.match(one.log(), new RegExp(`\\[MAD\\]\\[E\\]: driver vmm_hang: no reply to DEPLOY ${vid} within ${TIMEOUT_S * 1000} ms`));
    }
    const hid = hosts['monitor-hung'];
    await waitFor('the hung IM\'s host in ERROR', async () => tag(String(await one.ok('one.host.info', hid)), 'STATE') === ERROR, 30_000);
    assert.match(one.log(), new RegExp(`Error monitoring host ${hid}: Timeout: driver im_hang did not answer MONITOR within ${TIMEOUT_S * 1000} ms`));

    const afterwards = await serving();
    assert.deepEqual(afterwards.vms[fine], [Number(ACTIVE), Number(RUNNING)]);
    assert.equal(afterwards.hosts[hosts.sound], Number(MONITORED));
    const [another] = await deployed('sound', 1);
    await reaches(another, ACTIVE, RUNNING);
  });

  it('garbage from a VMM is dropped with a warning: a VM it then answers runs, one it never answers FAILED', async () => {
    const answered = await deployed('garbage-then-ok', 2);
    const unanswered = await deployed('garbage', 2);
    const during = await serving();
    for (const vid of [...answered, ...unanswered]) assert.ok(during.vms[vid] !== undefined);

    for (const vid of answered) {
      await reaches(vid, ACTIVE, RUNNING);
      // Its polls get garbage first, then figures: the figures count, the garbage does not.
      await waitFor(`VM ${vid}'s polled memory`, async () => tag(await vmXml(vid), 'MEMORY') === '12345');
      assert.equal(tag(await vmXml(vid), 'DEPLOY_ID'), `one-${vid}`);
    }
    for (const vid of unanswered) {
      await reaches(vid, FAILED);
      await waitFor(`VM ${vid}'s log`, () => vmLog(vid).includes('DEPLOY failed: Timeout: driver vmm_garbage did not answer DEPLOY'));
    }
    const log = one.log();
    for (const why of [
      'line contains CR, LF or NUL',
      'DEPLOY: missing id',
      'DEPLOY: result must be SUCCESS or FAILURE',
      'line does not start with an upper-case verb',
      'DEPLOY: id "\\d+abc" is not a number',
      'line longer than 1048576 characters',
      'empty line',
    ]) assert.match(log, new RegExp(`\\[MAD\\]\\[W\\]: driver vmm_garbage: dropped bad line \\(${why}\\)`));
    assert.match(log, /\[MAD\]\[W\]: driver vmm_garbage: ignored DEPLOY SUCCESS 999999: no such request in flight/);
    // The garbage is shown, not replayed: control characters are written as \xNN.
    assert.match(log, /dropped bad line \(line contains CR, LF or NUL\): \\x00\\x01/);
    assert.doesNotMatch(log, /[\x00-\x08\x0b-\x1f\x7f]/);
    // LOG lines are text, never run; one naming no VM goes to oned.log, not to a new var/888888/.
    assert.match(log, /\[VMM\]\[I\]: \$\(touch GARBAGE_MARK\) `touch GARBAGE_MARK`; touch GARBAGE_MARK/);
    assert.match(log, /\[VMM\]\[I\]: \(no VM 888888\) a log line for a VM that does not exist/);
    assert.equal(existsSync(join(one.location, 'var', '888888')), false);
    assert.deepEqual(findNamed(one.location, 'GARBAGE_MARK'), []);
    assert.equal(existsSync(join(REPO, 'GARBAGE_MARK')), false);
    const afterwards = await serving();
    for (const vid of answered) assert.deepEqual(afterwards.vms[vid], [Number(ACTIVE), Number(RUNNING)]);
  });
});

function readIfThere(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
