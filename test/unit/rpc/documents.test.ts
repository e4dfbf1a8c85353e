import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostDocument, hostPoolDocument } from '../../../src/rpc/documents/host-document.ts';
import { templateXml } from '../../../src/rpc/documents/template-xml.ts';
import { userDocument, userPoolDocument } from '../../../src/rpc/documents/user-document.ts';
import { vmDocument, vmPoolDocument } from '../../../src/rpc/documents/vm-document.ts';
import { vnetDocument, vnetPoolDocument } from '../../../src/rpc/documents/vnet-document.ts';
import type { HostView, UserView, VmView, VnetView } from '../../../src/rpc/views.ts';
import { parseXmlTree, type XmlElement } from '../../../src/rpc/xmlrpc/xml-tree.ts';

const names = (el: XmlElement): string[] => el.children.map((c) => c.name);
const child = (el: XmlElement, name: string): XmlElement => {
  const found = el.children.find((c) => c.name === name);
  assert.ok(found, `<${el.name}> has no <${name}>`);
  return found;
};

const history = { seq: 1, hostname: 'node<1>', hid: 2, stime: 10, etime: 0, pstime: 10, petime: 11, rstime: 11, retime: 0, estime: 0, eetime: 0, reason: 0 };
const vm: VmView = {
  id: 7, uid: 1, username: 'alice', name: 'web & db', lastPoll: 5, state: 3, lcmState: 3, stime: 1, etime: 0,
  deployId: 'one-7', memory: 512, cpu: 10, netTx: 1, netRx: 2,
  template: [
    { name: 'NIC', pairs: [{ name: 'NETWORK', value: 'pub' }, { name: 'IP', value: '10.0.0.1' }] },
    { name: 'MEMORY', value: '512' },
    { name: 'DISK', pairs: [{ name: 'TARGET', value: 'hda' }, { name: 'SOURCE', value: '/img/<a>.img' }] },
    { name: 'DISK', pairs: [{ name: 'TARGET', value: 'hdb' }] },
    { name: 'CPU', value: '1' },
  ],
  history,
};
const share = { diskUsage: 0, memUsage: 1, cpuUsage: 2, maxDisk: 3, maxMem: 4, maxCpu: 5, freeDisk: 6, freeMem: 7, freeCpu: 8, usedDisk: 9, usedMem: 10, usedCpu: 11, runningVms: 12 };
const host: HostView = { id: 3, name: 'node1', state: 2, imMad: 'im_kvm', vmMad: 'vmm_kvm', tmMad: 'tm_nfs', lastMonTime: 99, share, template: [{ name: 'TOTALCPU', value: '800' }, { name: 'ARCH', value: 'x86_64' }] };
const vnet: VnetView = {
  id: 4, uid: 1, username: 'alice', name: 'pub', type: 1, bridge: 'br0', public: true,
  template: [{ name: 'NAME', value: 'pub' }],
  leases: [
    { ip: '10.0.0.1', mac: '00:03:0a:00:00:01', used: true, vid: 7 },
    { ip: '10.0.0.2', mac: '00:03:0a:00:00:02', used: false, vid: -1 },
  ],
};
const user: UserView = { id: 2, name: 'bob', passwordHash: 'scrypt$secret', enabled: false, version: 3 };

const VM_HEAD = ['ID', 'UID', 'NAME', 'LAST_POLL', 'STATE', 'LCM_STATE', 'STIME', 'ETIME', 'DEPLOY_ID', 'MEMORY', 'CPU', 'NET_TX', 'NET_RX'];
const HISTORY = ['SEQ', 'HOSTNAME', 'HID', 'STIME', 'ETIME', 'PSTIME', 'PETIME', 'RSTIME', 'RETIME', 'ESTIME', 'EETIME', 'REASON'];
const SHARE = ['HID', 'DISK_USAGE', 'MEM_USAGE', 'CPU_USAGE', 'MAX_DISK', 'MAX_MEM', 'MAX_CPU', 'FREE_DISK', 'FREE_MEM', 'FREE_CPU', 'USED_DISK', 'USED_MEM', 'USED_CPU', 'RUNNING_VMS'];
const HOST_HEAD = ['ID', 'NAME', 'STATE', 'IM_MAD', 'VM_MAD', 'TM_MAD', 'LAST_MON_TIME', 'HOST_SHARE'];

describe('XML documents (§3.5)', () => {
  it('<VM>: element order, template sorted by name, latest history, escaped values', () => {
    const doc = parseXmlTree(vmDocument(vm));
    assert.deepEqual(names(doc), [...VM_HEAD, 'TEMPLATE', 'HISTORY']);
    assert.equal(child(doc, 'NAME').text, 'web & db');
    const template = child(doc, 'TEMPLATE');
    assert.deepEqual(names(template), ['CPU', 'DISK', 'DISK', 'MEMORY', 'NIC']);
    assert.deepEqual(names(template.children[1]), ['SOURCE', 'TARGET']);
    assert.equal(template.children[1].children[0].text, '/img/<a>.img');
    assert.equal(template.children[2].children[0].text, 'hdb', 'repeated attributes keep their order');
    assert.deepEqual(names(child(doc, 'HISTORY')), HISTORY);
    assert.equal(child(child(doc, 'HISTORY'), 'HOSTNAME').text, 'node<1>');
    assert.ok(!vmDocument({ ...vm, history: undefined }).includes('<HISTORY>'));
  });

  it('<VM_POOL>: USERNAME after UID, no TEMPLATE unless extended', () => {
    const pool = parseXmlTree(vmPoolDocument([vm, { ...vm, id: 8, history: undefined }]));
    assert.equal(pool.name, 'VM_POOL');
    const [head, ...rest] = VM_HEAD.slice(2);
    assert.deepEqual(names(pool.children[0]), ['ID', 'UID', 'USERNAME', head, ...rest, 'HISTORY']);
    assert.deepEqual(names(pool.children[1]), ['ID', 'UID', 'USERNAME', head, ...rest]);
    const extended = parseXmlTree(vmPoolDocument([vm], true));
    assert.deepEqual(names(extended.children[0]).slice(-2), ['TEMPLATE', 'HISTORY']);
    assert.equal(vmPoolDocument([]), '<VM_POOL></VM_POOL>');
  });

  it('<HOST> and <HOST_POOL>', () => {
    const doc = parseXmlTree(hostDocument(host));
    assert.deepEqual(names(doc), [...HOST_HEAD, 'TEMPLATE']);
    assert.deepEqual(names(child(doc, 'HOST_SHARE')), SHARE);
    assert.equal(child(child(doc, 'HOST_SHARE'), 'RUNNING_VMS').text, '12');
    assert.deepEqual(names(child(doc, 'TEMPLATE')), ['ARCH', 'TOTALCPU']);
    const pool = parseXmlTree(hostPoolDocument([host, host]));
    assert.deepEqual(names(pool), ['HOST', 'HOST']);
  });

  it('prints every figure as a plain integer, never in exponent form or with a fraction', () => {
    const huge = { ...share, memUsage: 1.024e26, cpuUsage: -1e21, maxMem: 2 ** 60, freeCpu: 33.7, usedCpu: Number.NaN };
    const shares = child(parseXmlTree(hostDocument({ ...host, share: huge })), 'HOST_SHARE');
    for (const figure of shares.children) assert.match(figure.text, /^-?\d+$/, `${figure.name}=${figure.text}`);
    assert.equal(child(shares, 'MEM_USAGE').text, '102399999999999991410065408');
    assert.equal(child(shares, 'MAX_MEM').text, '1152921504606846976');
    assert.equal(child(shares, 'FREE_CPU').text, '33');
    const polled = parseXmlTree(vmDocument({ ...vm, memory: 1e30, cpu: 12.5, netTx: 2 ** 70 }));
    for (const name of ['MEMORY', 'CPU', 'NET_TX', 'NET_RX']) assert.match(child(polled, name).text, /^\d+$/, name);
  });

  it('<VNET> with leases and <VNET_POOL> with TOTAL_LEASES', () => {
    const doc = parseXmlTree(vnetDocument(vnet));
    assert.deepEqual(names(doc), ['ID', 'UID', 'NAME', 'TYPE', 'BRIDGE', 'PUBLIC', 'TEMPLATE', 'LEASES']);
    const leases = child(doc, 'LEASES');
    assert.deepEqual(names(leases), ['LEASE', 'LEASE']);
    assert.deepEqual(names(leases.children[0]), ['IP', 'MAC', 'USED', 'VID']);
    assert.deepEqual(leases.children[1].children.map((c) => c.text), ['10.0.0.2', '00:03:0a:00:00:02', '0', '-1']);
    const pool = parseXmlTree(vnetPoolDocument([vnet]));
    assert.deepEqual(names(pool.children[0]), ['ID', 'UID', 'USERNAME', 'NAME', 'TYPE', 'BRIDGE', 'PUBLIC', 'TOTAL_LEASES']);
    assert.equal(child(pool.children[0], 'TOTAL_LEASES').text, '1');
  });

  it('<USER> and <USER_POOL>: empty PASSWORD, ENABLED 1/0 in both', () => {
    assert.equal(userDocument(user), '<USER><ID>2</ID><NAME>bob</NAME><PASSWORD></PASSWORD><ENABLED>0</ENABLED></USER>');
    const pool = userPoolDocument([user, { ...user, id: 0, name: 'oneadmin', enabled: true }]);
    assert.ok(!pool.includes('secret'));
    assert.deepEqual(parseXmlTree(pool).children.map((u) => child(u, 'ENABLED').text), ['0', '1']);
  });

  it('passes a pre-rendered template through unchanged', () => {
    assert.equal(templateXml('<TEMPLATE><A>1</A></TEMPLATE>'), '<TEMPLATE><A>1</A></TEMPLATE>');
    assert.equal(templateXml([]), '<TEMPLATE></TEMPLATE>');
  });
});
