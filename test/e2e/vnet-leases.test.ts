import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allEvents, cliEnv, Oned, runCli, waitFor } from '../helpers/oned-harness.ts';

/**
 * Virtual networks and leases (spec §7, §3.5.4) through the real oned, its
 * XML-RPC API, the CLI and Python's xmlrpc.client.
 */

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];

interface Lease {
  ip: string;
  mac: string;
  used: string;
  vid: string;
}

/** The LEASES of a `<VNET>` document, in document order. */
function leasesOf(xml: unknown): Lease[] {
  return [...String(xml).matchAll(/<LEASE>(.*?)<\/LEASE>/g)].map(([, l]) => ({
    ip: tag(l, 'IP')!,
    mac: tag(l, 'MAC')!,
    used: tag(l, 'USED')!,
    vid: tag(l, 'VID')!,
  }));
}

/** Each NIC of a `<VM>` document as a sorted list of `NAME=value`. */
function nicsOf(xml: unknown): string[][] {
  return [...String(xml).matchAll(/<NIC>(.*?)<\/NIC>/g)].map(([, nic]) =>
    [...nic!.matchAll(/<([A-Z_]+)>([^<]*)<\/\1>/g)].map(([, k, v]) => `${k}=${v}`).sort(),
  );
}

/** §7.3: prefix 00:01 followed by the four octets of the IP. */
const macOf = (ip: string) => `00:01:${ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join(':')}`;

async function vmReaches(one: Oned, vid: number, state: number, lcm?: number): Promise<string> {
  return waitFor(`VM ${vid} in ${state}/${lcm ?? '*'}`, async () => {
    const xml = String(await one.ok('one.vm.info', vid));
    return tag(xml, 'STATE') === String(state) && (lcm === undefined || tag(xml, 'LCM_STATE') === String(lcm)) && xml;
  });
}

const RANGED = 'NAME = "Private LAN"\nTYPE = RANGED\nBRIDGE = br0\nNETWORK_ADDRESS = 192.168.0.0\nNETWORK_SIZE = C\nDESCRIPTION = "lab network"\n';
// Declared out of order: leases are handed out by numeric IP (§7.4).
const FIXED_IPS = [1, 2, 3, 4, 5, 6, 7, 8, 10].map((n) => `130.10.0.${n}`);
const FIXED =
  'NAME = Public\nTYPE = FIXED\nBRIDGE = br1\nLEASES = [ IP = 130.10.0.10 ]\nLEASES = [ IP = 130.10.0.1, MAC = "50:20:20:20:20:20" ]\n' +
  FIXED_IPS.slice(1, -1).map((ip) => `LEASES = [ IP = ${ip} ]\n`).join('');

describe('virtual networks and leases through oned', () => {
  let one: Oned;
  let ranged: number;
  let fixed: number;
  const file = (name: string, text: string) => {
    const path = join(one.location, name);
    writeFileSync(path, text);
    return path;
  };
  const lastSeq = async () => (await allEvents(one)).at(-1)!.seq;
  /** Leases held by `vid` on every network, as `nid ip mac`. */
  const leasesHeldBy = async (vid: number) =>
    (await Promise.all([ranged, fixed].map(async (nid) => leasesOf(await one.ok('one.vn.info', nid)).map((l) => ({ ...l, nid })))))
      .flat()
      .filter((l) => l.used === '1' && l.vid === String(vid))
      .map((l) => `${l.nid} ${l.ip} ${l.mac}`);

  before(async () => {
    one = await Oned.start();
  });
  after(async () => {
    await one.stop();
    one.remove();
  });

  it('creates a ranged network with onevnet and a fixed one with one.vn.allocate', async () => {
    const created = await runCli(one, 'onevnet', ['create', '-v', file('ranged.net', RANGED)]);
    assert.deepEqual(created, { code: 0, stdout: 'ID: 0\n', stderr: '' });
    ranged = 0;
    fixed = (await one.ok('one.vn.allocate', FIXED)) as number;
    assert.equal(fixed, 1);

    const r = String(await one.ok('one.vn.info', ranged));
    assert.deepEqual([tag(r, 'NAME'), tag(r, 'TYPE'), tag(r, 'BRIDGE')], ['Private LAN', '0', 'br0']);
    assert.deepEqual(leasesOf(r), [], 'a ranged network lists only leases handed out');
    assert.equal(tag(r, 'DESCRIPTION'), 'lab network', 'other attributes stay in the template');
    const f = String(await one.ok('one.vn.info', fixed));
    assert.equal(tag(f, 'TYPE'), '1');
    assert.deepEqual(
      leasesOf(f).sort((a, b) => Number(a.ip.split('.')[3]) - Number(b.ip.split('.')[3])),
      FIXED_IPS.map((ip) => ({ ip, mac: ip === '130.10.0.1' ? '50:20:20:20:20:20' : macOf(ip), used: '0', vid: '-1' })),
    );
    assert.equal(macOf('130.10.0.3'), '00:01:82:0a:00:03');

    const list = await runCli(one, 'onevnet', ['list']);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^\s+0 oneadmin Private LAN\s+Ranged br0\s+0$/m);
    assert.match(list.stdout, /^\s+1 oneadmin Public\s+Fixed\s+br1\s+0$/m);

    const duplicate = await one.call('one.vn.allocate', FIXED);
    assert.equal(duplicate[0], false);
    assert.match(String(duplicate[1]), /Public already exists/);
  });

  it('gives VMs with 0 to 3 NICs their leases and rewrites each network NIC exactly as §7.5', async () => {
    const none = (await one.ok('one.vm.allocate', 'NAME = nonic\nMEMORY = 64')) as number;
    assert.deepEqual(nicsOf(await one.ok('one.vm.info', none)), []);

    // One NIC through the CLI: MODEL is kept, TARGET is dropped.
    const oneNic = await runCli(one, 'onevm', ['create', '-v', file('one.vm', 'NAME = one\nNIC = [ NETWORK = "Private LAN", MODEL = virtio, TARGET = tap0 ]\n')]);
    assert.equal(oneNic.code, 0, oneNic.stderr);
    const vOne = Number(/^ID: (\d+)$/m.exec(oneNic.stdout)![1]);
    assert.deepEqual(nicsOf(await one.ok('one.vm.info', vOne)), [
      ['BRIDGE=br0', 'IP=192.168.0.1', `MAC=${macOf('192.168.0.1')}`, 'MODEL=virtio', 'NETWORK=Private LAN', 'VNID=0'],
    ]);

    const vTwo = (await one.ok(
      'one.vm.allocate',
      'NAME = two\nNIC = [ NETWORK = "Private LAN", IP = 192.168.0.77 ]\nNIC = [ NETWORK = Public, SCRIPT = /bin/x ]',
    )) as number;
    assert.deepEqual(nicsOf(await one.ok('one.vm.info', vTwo)), [
      ['BRIDGE=br0', 'IP=192.168.0.77', `MAC=${macOf('192.168.0.77')}`, 'NETWORK=Private LAN', 'VNID=0'],
      ['BRIDGE=br1', 'IP=130.10.0.1', 'MAC=50:20:20:20:20:20', 'NETWORK=Public', 'VNID=1'],
    ]);

    const vThree = (await one.ok(
      'one.vm.allocate',
      'NAME = three\nNIC = [ NETWORK = "Private LAN" ]\nNIC = [ NETWORK = Public, IP = 130.10.0.3, MODEL = e1000 ]\nNIC = [ BRIDGE = br9, MAC = "aa:bb:cc:dd:ee:ff", TARGET = tap9 ]',
    )) as number;
    assert.deepEqual(nicsOf(await one.ok('one.vm.info', vThree)), [
      ['BRIDGE=br0', 'IP=192.168.0.2', `MAC=${macOf('192.168.0.2')}`, 'NETWORK=Private LAN', 'VNID=0'],
      ['BRIDGE=br1', 'IP=130.10.0.3', `MAC=${macOf('130.10.0.3')}`, 'MODEL=e1000', 'NETWORK=Public', 'VNID=1'],
      ['BRIDGE=br9', 'MAC=aa:bb:cc:dd:ee:ff', 'TARGET=tap9'],
    ]);
    // The stored event keeps the §7.5 order of the rewritten NIC.
    const allocated = (await allEvents(one)).find((e) => e.stream === `vm/${vThree}` && e.event.type === 'VmAllocated')!;
    const nics = (allocated.event.template as { attributes: { name: string; pairs?: [string, string][] }[] }).attributes.filter((a) => a.name === 'NIC');
    assert.deepEqual(nics.map((n) => n.pairs!.map(([k]) => k)), [
      ['NETWORK', 'MAC', 'BRIDGE', 'VNID', 'IP'],
      ['NETWORK', 'MAC', 'BRIDGE', 'VNID', 'IP', 'MODEL'],
      ['BRIDGE', 'MAC', 'TARGET'],
    ]);

    assert.deepEqual(leasesOf(await one.ok('one.vn.info', ranged)).map((l) => `${l.ip} ${l.vid}`).sort(), [
      `192.168.0.1 ${vOne}`,
      `192.168.0.2 ${vThree}`,
      `192.168.0.77 ${vTwo}`,
    ]);
    const show = await runCli(one, 'onevnet', ['show', 'Public']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`^LEASE=\\[ IP=130\\.10\\.0\\.1, MAC=50:20:20:20:20:20, USED=1, VID=${vTwo} \\]$`, 'm'));
    assert.match(show.stdout, /^LEASE=\[ IP=130\.10\.0\.2, MAC=00:01:82:0a:00:02, USED=0, VID=-1 \]$/m);
    assert.match(show.stdout, new RegExp(`^LEASE=\\[ IP=130\\.10\\.0\\.3, MAC=00:01:82:0a:00:03, USED=1, VID=${vThree} \\]$`, 'm'));
    const list = await runCli(one, 'onevnet', ['list', '-x']);
    assert.equal(tag(/<VNET><ID>0<\/ID>.*?<\/VNET>/.exec(list.stdout)?.[0], 'TOTAL_LEASES'), '3');
    assert.equal(tag(/<VNET><ID>1<\/ID>.*?<\/VNET>/.exec(list.stdout)?.[0], 'TOTAL_LEASES'), '2');
  });

  it('refuses a bad allocation as a whole: no VM, no lease, no event', async () => {
    const vmsBefore = String(await one.ok('one.vmpool.info', -2));
    const netsBefore = await Promise.all([ranged, fixed].map((n) => one.ok('one.vn.info', n)));
    const seq = await lastSeq();
    const cases: [string, RegExp][] = [
      ['NIC = [ NETWORK = nowhere ]', /Error getting network nowhere/],
      ['NIC = [ NETWORK = "Private LAN", IP = 10.0.0.1 ]', /10\.0\.0\.1 is not part of virtual network Private LAN/],
      ['NIC = [ NETWORK = "Private LAN", IP = 192.168.0.77 ]', /192\.168\.0\.77 is already in use/],
      ['NIC = [ NETWORK = Public, IP = 130.10.0.9 ]', /130\.10\.0\.9 is not part of virtual network Public/],
      // The first NIC would get a lease; the second fails, so neither is taken.
      ['NIC = [ NETWORK = "Private LAN" ]\nNIC = [ NETWORK = Public, IP = 130.10.0.1 ]', /130\.10\.0\.1 is already in use/],
      ['NIC = [ NETWORK = Public ]\nNIC = [ NETWORK = "Private LAN" ]\nNIC = [ NETWORK = missing ]', /Error getting network missing/],
      ['NIC = [ NETWORK = "Private LAN", IP = 192.168.0.5 ]\nNIC = [ NETWORK = "Private LAN", IP = 192.168.0.5 ]', /192\.168\.0\.5 is already in use/],
    ];
    for (const [template, message] of cases) {
      const [ok, error, code] = await one.call('one.vm.allocate', `NAME = bad\n${template}`);
      assert.equal(ok, false, template);
      assert.match(String(error), message);
      assert.equal(code, 0x4000, template);
    }
    const viaCli = await runCli(one, 'onevm', ['create', file('bad.vm', 'NAME = bad\nNIC = [ NETWORK = "Private LAN", IP = 192.168.0.1 ]\n')]);
    assert.equal(viaCli.code, 255);
    assert.equal(viaCli.stdout, '');
    assert.match(viaCli.stderr, /^Error: IP 192\.168\.0\.1 is already in use in virtual network Private LAN\n$/);

    assert.deepEqual(JSON.parse(String(await one.ok('one.event.poll', seq, 100, 0))), [], 'nothing appended');
    assert.equal(String(await one.ok('one.vmpool.info', -2)), vmsBefore);
    assert.deepEqual(await Promise.all([ranged, fixed].map((n) => one.ok('one.vn.info', n))), netsBefore);
  });

  it('gives the next VM and network the next id after a failed allocation (1.4 rolls the id back)', async () => {
    // 1.4 PoolSQL::allocate takes ++lastOID and gives it back when the insert fails;
    // an id kept by a failed allocation would also make live ids differ from ids after a restart.
    const vm = (await one.ok('one.vm.allocate', 'NAME = idprobe')) as number;
    assert.equal((await one.call('one.vm.allocate', 'NIC = [ NETWORK = nowhere ]'))[0], false);
    const nextVm = (await one.ok('one.vm.allocate', 'NAME = idprobe2')) as number;
    const net = (await one.ok('one.vn.allocate', 'NAME = idnet\nTYPE = FIXED\nLEASES = [ IP = 10.77.0.1 ]')) as number;
    assert.equal((await one.call('one.vn.allocate', 'NAME = idnet2\nTYPE = RANGED'))[0], false, 'RANGED needs NETWORK_ADDRESS');
    const nextNet = (await one.ok('one.vn.allocate', 'NAME = idnet3\nTYPE = FIXED\nLEASES = [ IP = 10.77.0.2 ]')) as number;
    for (const v of [vm, nextVm]) await one.ok('one.vm.action', 'finalize', v);
    for (const n of [net, nextNet]) await one.ok('one.vn.delete', n);
    assert.deepEqual([nextVm - vm, nextNet - net], [1, 1]);
  });

  it('refuses to delete a network whose leases are in use, with a clear error', async () => {
    const [ok, message, code] = await one.call('one.vn.delete', fixed);
    assert.deepEqual([ok, code], [false, 0x800]);
    assert.equal(message, 'Can not delete virtual network Public: 2 leases in use');
    const viaCli = await runCli(one, 'onevnet', ['delete', 'Private LAN']);
    assert.equal(viaCli.code, 255);
    assert.equal(viaCli.stderr, 'Error: Can not delete virtual network Private LAN: 3 leases in use\n');
    assert.equal(tag(await one.ok('one.vn.info', ranged), 'NAME'), 'Private LAN');
  });

  it('releases leases on every path to DONE: delete in PENDING and HOLD, shutdown, cancel, delete in RUNNING, delete of a FAILED VM', async () => {
    await one.ok('one.host.allocate', 'node0', 'im_dummy', 'vmm_dummy', 'tm_dummy');
    const nic = 'NIC = [ NETWORK = "Private LAN" ]\nNIC = [ NETWORK = Public ]';
    const alloc = async (name: string) => (await one.ok('one.vm.allocate', `NAME = ${name}\n${nic}`)) as number;

    // PENDING → delete
    const pending = await alloc('pending');
    assert.equal((await leasesHeldBy(pending)).length, 2);
    const del = await runCli(one, 'onevm', ['delete', String(pending)]);
    assert.equal(del.code, 0, del.stderr);
    await vmReaches(one, pending, 6);
    assert.deepEqual(await leasesHeldBy(pending), []);

    // HOLD → delete
    const held = await alloc('held');
    await one.ok('one.vm.action', 'hold', held);
    await one.ok('one.vm.action', 'finalize', held);
    await vmReaches(one, held, 6);
    assert.deepEqual(await leasesHeldBy(held), []);

    // RUNNING → shutdown, cancel, delete
    const running: Record<string, number> = {};
    for (const how of ['shutdown', 'cancel', 'finalize']) {
      running[how] = await alloc(how);
      await one.ok('one.vm.deploy', running[how], 0);
    }
    for (const [how, vid] of Object.entries(running)) {
      await vmReaches(one, vid, 3, 3);
      assert.equal((await leasesHeldBy(vid)).length, 2);
      await one.ok('one.vm.action', how, vid);
    }
    for (const vid of Object.values(running)) {
      await vmReaches(one, vid, 6);
      assert.deepEqual(await leasesHeldBy(vid), [], `VM ${vid}`);
    }

    // FAILED keeps its leases (1.4); finalizing it releases them.
    const failing = await alloc('failing');
    await one.stop();
    one = await Oned.start({ location: one.location, env: { VMM_DUMMY_FAIL_IDS: String(failing), VMM_DUMMY_FAIL_ACTIONS: 'DEPLOY' } });
    await one.ok('one.vm.deploy', failing, 0);
    await vmReaches(one, failing, 7);
    const held1 = await leasesHeldBy(failing);
    assert.equal(held1.length, 2, 'a FAILED VM keeps its leases until it is finalized');
    await one.ok('one.vm.action', 'finalize', failing);
    await vmReaches(one, failing, 6);
    assert.deepEqual(await leasesHeldBy(failing), []);

    // Released addresses can be asked for again.
    const [ip] = held1[0]!.split(' ').slice(1);
    const again = (await one.ok('one.vm.allocate', `NAME = again\nNIC = [ NETWORK = "${held1[0]!.startsWith(`${ranged} `) ? 'Private LAN' : 'Public'}", IP = ${ip} ]`)) as number;
    assert.equal((await leasesHeldBy(again)).length, 1);
    await one.ok('one.vm.action', 'finalize', again);
    await vmReaches(one, again, 6);
  });

  it('publishes a network to other users and unpublishes it', async () => {
    for (const [name, password] of [['alice', 'a-pw'], ['bob', 'b-pw']]) {
      const r = await runCli(one, 'oneuser', ['create', name, password]);
      assert.equal(r.code, 0, r.stderr);
      writeFileSync(join(one.location, `${name}_auth`), `${name}:${password}\n`);
    }
    const as = (user: string) => ({ env: { ONE_AUTH: join(one.location, `${user}_auth`) } });
    const created = await runCli(one, 'onevnet', ['create', '-v', file('alice.net', 'NAME = alicenet\nTYPE = RANGED\nBRIDGE = br5\nNETWORK_ADDRESS = 10.5.0.0\nNETWORK_SIZE = 4\n')], as('alice'));
    assert.equal(created.code, 0, created.stderr);
    const nid = Number(/ID: (\d+)/.exec(created.stdout)![1]);
    const bobVm = file('bob.vm', 'NAME = bobvm\nNIC = [ NETWORK = alicenet ]\n');

    const refused = await runCli(one, 'onevm', ['create', bobVm], as('bob'));
    assert.equal(refused.code, 255);
    assert.match(refused.stderr, /^Error: User \[\d+\] not authorized to use network alicenet\n$/);
    const notOwner = await runCli(one, 'onevnet', ['publish', String(nid)], as('bob'));
    assert.equal(notOwner.code, 255);
    assert.match(notOwner.stderr, /^Error: /);
    assert.equal(tag(await one.ok('one.vn.info', nid), 'PUBLIC'), '0');

    const published = await runCli(one, 'onevnet', ['publish', '-v', 'alicenet'], as('alice'));
    assert.deepEqual(published, { code: 0, stdout: `Virtual network ${nid} published\n`, stderr: '' });
    assert.equal(tag(await one.ok('one.vn.info', nid), 'PUBLIC'), '1');
    const used = await runCli(one, 'onevm', ['create', '-v', bobVm], as('bob'));
    assert.equal(used.code, 0, used.stderr);
    const vid = Number(/ID: (\d+)/.exec(used.stdout)![1]);
    assert.deepEqual(nicsOf(await one.ok('one.vm.info', vid)), [['BRIDGE=br5', 'IP=10.5.0.1', `MAC=${macOf('10.5.0.1')}`, 'NETWORK=alicenet', 'VNID=' + nid]]);

    const unpublished = await runCli(one, 'onevnet', ['unpublish', String(nid)], as('alice'));
    assert.equal(unpublished.code, 0, unpublished.stderr);
    assert.equal(tag(await one.ok('one.vn.info', nid), 'PUBLIC'), '0');
    assert.equal((await runCli(one, 'onevm', ['create', bobVm], as('bob'))).code, 255);
    // Bob's VM keeps its lease; once it is gone alice can delete her network.
    assert.equal((await runCli(one, 'onevnet', ['delete', String(nid)], as('alice'))).code, 255);
    assert.equal((await runCli(one, 'onevm', ['delete', String(vid)], as('bob'))).code, 0);
    await vmReaches(one, vid, 6);
    const deleted = await runCli(one, 'onevnet', ['delete', '-v', 'alicenet'], as('alice'));
    assert.deepEqual(deleted, { code: 0, stdout: `Virtual network ${nid} deleted\n`, stderr: '' });
    const [ok, message] = await one.call('one.vn.info', nid);
    assert.equal(ok, false);
    assert.match(String(message), /virtual network/i);
  });

  it('keeps every lease exactly across a clean restart and a crash', async () => {
    const a = (await one.ok('one.vm.allocate', 'NAME = keep1\nNIC = [ NETWORK = "Private LAN", IP = 192.168.0.200 ]\nNIC = [ NETWORK = Public ]')) as number;
    await one.ok('one.vm.allocate', 'NAME = keep2\nNIC = [ NETWORK = "Private LAN" ]');
    await one.ok('one.host.enable', 0, false); // no monitoring changes while we compare
    const snapshot = async () => ({
      nets: await Promise.all([ranged, fixed].map((n) => one.ok('one.vn.info', n))),
      pool: await one.ok('one.vnpool.info', -2),
    });
    const before = await snapshot();
    assert.ok(leasesOf(before.nets[0]).some((l) => l.ip === '192.168.0.200' && l.vid === String(a)));
    await one.stop();
    one = await Oned.start({ location: one.location });
    assert.deepEqual(await snapshot(), before);
    await one.crash();
    one = await Oned.start({ location: one.location });
    assert.deepEqual(await snapshot(), before);
    // The restored lease book still refuses a taken address and hands out a free one.
    const [ok] = await one.call('one.vm.allocate', 'NIC = [ NETWORK = "Private LAN", IP = 192.168.0.200 ]');
    assert.equal(ok, false);
    const fresh = (await one.ok('one.vm.allocate', 'NAME = fresh\nNIC = [ NETWORK = Public ]')) as number;
    const ip = nicsOf(await one.ok('one.vm.info', fresh))[0]!.find((p) => p.startsWith('IP='));
    const free = leasesOf(before.nets[1]).filter((l) => l.used === '0').map((l) => `IP=${l.ip}`);
    assert.ok(free.includes(ip!), `${ip} should be one of the free leases ${free}`);
  });

  it('does a create, lease and show round from Python xmlrpc.client', async () => {
    const script = join(import.meta.dirname, 'python', 'vnet_roundtrip.py');
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile('python3', [script], { env: cliEnv(one), timeout: 30_000 }, (err, stdout, stderr) =>
        done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout) as { nid: number; vid: number; lease: { ip: string; mac: string; vid: number }; nic: Record<string, string> };
    assert.deepEqual(result.lease, { ip: '172.16.9.1', mac: macOf('172.16.9.1'), vid: result.vid });
    assert.deepEqual(result.nic, { NETWORK: 'pynet', MAC: macOf('172.16.9.1'), BRIDGE: 'brpy', VNID: String(result.nid), IP: '172.16.9.1' });
    // What Python saw is what oned holds.
    assert.deepEqual(leasesOf(await one.ok('one.vn.info', result.nid)), [{ ip: '172.16.9.1', mac: macOf('172.16.9.1'), used: '1', vid: String(result.vid) }]);
  });
});
