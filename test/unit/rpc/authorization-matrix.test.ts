import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../../src/events/domain-error.ts';
import { methodTable } from '../../../src/rpc/methods/method-table.ts';
import type { XmlRpcValue } from '../../../src/rpc/xmlrpc/value.ts';
import { session, sha1, type FakeCore } from './fake-core.ts';
import { startHarness, type Harness } from './rpc-test-server.ts';

const { SUCCESS: OK, AUTHENTICATION: AUTHN, AUTHORIZATION: AUTHZ } = ErrorCode;

type Role = 'oneadmin' | 'owner' | 'other' | 'disabled' | 'badPassword';
const ROLES: readonly Role[] = ['oneadmin', 'owner', 'other', 'disabled', 'badPassword'];

const SESSIONS: Record<Role, string> = {
  oneadmin: session('oneadmin', 'adminpass'),
  owner: session('alice', 'alicepw'),
  other: session('bob', 'bobpw'),
  disabled: session('carol', 'carolpw'),
  badPassword: session('alice', 'not-her-password'),
};

interface Fixture {
  readonly alice: number;
  readonly vm: number;
  readonly runningVm: number;
  readonly host: number;
  readonly vnet: number;
  readonly victim: number;
}

/** Expected code for [oneadmin, owner, other]; disabled users and bad passwords always get AUTHENTICATION. */
const matrix: [string, (f: Fixture) => XmlRpcValue[], [number, number, number]][] = [
  ['one.vm.allocate', () => ['NAME = x'], [OK, OK, OK]],
  ['one.vm.deploy', (f) => [f.vm, f.host], [OK, OK, AUTHZ]],
  ['one.vm.action', (f) => ['hold', f.vm], [OK, OK, AUTHZ]],
  ['one.vm.migrate', (f) => [f.runningVm, f.host, true], [OK, OK, AUTHZ]],
  // The scheduler's reason: oneadmin only, not even the VM's owner.
  ['one.vm.schedmessage', (f) => [f.vm, 'no host has room'], [OK, AUTHZ, AUTHZ]],
  ['one.vm.info', (f) => [f.vm], [OK, OK, OK]],
  ['one.vmpool.info', () => [-2], [OK, OK, OK]],
  ['one.vmpool.info', () => [-2, true, 1], [OK, OK, OK]],
  ['one.host.allocate', () => ['node9', 'im_kvm', 'vmm_kvm', 'tm_ssh'], [OK, AUTHZ, AUTHZ]],
  ['one.host.info', (f) => [f.host], [OK, OK, OK]],
  ['one.host.delete', (f) => [f.host], [OK, AUTHZ, AUTHZ]],
  ['one.host.enable', (f) => [f.host, false], [OK, AUTHZ, AUTHZ]],
  ['one.hostpool.info', () => [], [OK, OK, OK]],
  ['one.vn.allocate', () => ['NAME = n'], [OK, OK, OK]],
  ['one.vn.info', (f) => [f.vnet], [OK, OK, OK]],
  ['one.vn.delete', (f) => [f.vnet], [OK, OK, AUTHZ]],
  ['one.vn.publish', (f) => [f.vnet, true], [OK, OK, AUTHZ]],
  ['one.vnpool.info', () => [-1], [OK, OK, OK]],
  ['one.user.allocate', () => [`new${Math.random().toString(36).slice(2)}`, sha1('x')], [OK, AUTHZ, AUTHZ]],
  ['one.user.info', (f) => [f.victim], [OK, AUTHZ, AUTHZ]],
  ['one.user.delete', (f) => [f.victim], [OK, AUTHZ, AUTHZ]],
  ['one.user.passwd', (f) => [f.alice, sha1('alicepw')], [OK, OK, AUTHZ]],
  ['one.user.enable', (f) => [f.victim, true], [OK, AUTHZ, AUTHZ]],
  ['one.userpool.info', () => [], [OK, AUTHZ, AUTHZ]],
  ['one.system.version', () => [], [OK, OK, OK]],
  ['one.event.poll', () => [0, 10, 0], [OK, AUTHZ, AUTHZ]],
  ['one.event.tip', () => [], [OK, AUTHZ, AUTHZ]],
];

let victims = 0;
async function fixture(core: FakeCore, alice: number): Promise<Fixture> {
  return {
    alice,
    vm: core.addVm(alice),
    runningVm: core.addVm(alice, 3, 3),
    host: core.addHost(),
    vnet: core.addVnet(alice),
    victim: await core.addUser(`victim${victims++}`, 'v'),
  };
}

describe('authorization matrix (every method × every role)', () => {
  let h: Harness;
  let alice: number;
  before(async () => {
    // 50 refused sessions from one address, then fresh logins after passwd: the login throttle
    // would refuse those (it has its own tests in login-throttle.test.ts).
    h = await startHarness({ loginThrottle: { failures: Infinity } });
    alice = await h.core.addUser('alice', 'alicepw');
    await h.core.addUser('bob', 'bobpw');
    await h.core.addUser('carol', 'carolpw', false);
  });
  after(() => h.stop());

  it('covers every method of the table', () => {
    assert.deepEqual(new Set(matrix.map(([m]) => m)), new Set(methodTable.keys()));
  });

  for (const [method, params, [admin, owner, other]] of matrix) {
    const expected: Record<Role, number> = { oneadmin: admin, owner, other, disabled: AUTHN, badPassword: AUTHN };
    it(`${method}(${params.length === 0 ? '' : '…'})`, async () => {
      for (const role of ROLES) {
        const f = await fixture(h.core, alice);
        const before = h.core.commands.length;
        const [ok, value, code] = (await h.client.call(method, [SESSIONS[role], ...params(f)])) as [boolean, XmlRpcValue, number];
        assert.equal(code, expected[role], `${method} as ${role}: ${String(value)}`);
        assert.equal(ok, code === OK);
        if (code === AUTHN) assert.match(String(value), /^User not authenticated, aborting RequestManager\w+ call\.$/);
        if (code === AUTHZ) assert.match(String(value), /^(Only oneadmin can|User not authorized to perform operation upon)/);
        // A refused call never reaches the core.
        if (code !== OK) assert.equal(h.core.commands.length, before, `${method} as ${role} reached the core`);
      }
    });
  }
});

describe('1.4 error answers', () => {
  let h: Harness;
  let alice: number;
  const ADMIN = SESSIONS.oneadmin;
  before(async () => {
    h = await startHarness();
    alice = await h.core.addUser('alice', 'alicepw');
  });
  after(() => h.stop());

  const expectError = async (method: string, params: XmlRpcValue[], code: number, message: string | RegExp) => {
    const [ok, value, got] = (await h.client.call(method, [ADMIN, ...params])) as [boolean, string, number];
    assert.deepEqual([ok, got], [false, code], `${method}: ${value}`);
    if (typeof message === 'string') assert.equal(value, message);
    else assert.match(value, message);
  };

  it('missing objects give NO_EXISTS', async () => {
    await expectError('one.vm.info', [999], ErrorCode.NO_EXISTS, 'The virtual machine 999 does not exists');
    await expectError('one.vm.deploy', [999, 0], ErrorCode.NO_EXISTS, 'The virtual machine 999 does not exists');
    await expectError('one.vm.action', ['shutdown', 999], ErrorCode.NO_EXISTS, 'Virtual machine does not exist');
    await expectError('one.vm.deploy', [h.core.addVm(alice), 999], ErrorCode.NO_EXISTS, 'The host 999 does not exists');
    await expectError('one.vm.schedmessage', [999, 'x'], ErrorCode.NO_EXISTS, 'The virtual machine 999 does not exists');
    await expectError('one.host.info', [999], ErrorCode.NO_EXISTS, 'The host 999 does not exists');
    await expectError('one.vn.info', [999], ErrorCode.NO_EXISTS, 'The virtual network 999 does not exists');
    await expectError('one.user.info', [999], ErrorCode.NO_EXISTS, 'The user 999 does not exists');
  });

  it('wrong states give ACTION, with the 1.4 sentences', async () => {
    const host = h.core.addHost();
    const held = h.core.addVm(alice, 2);
    await expectError('one.vm.deploy', [held, host], ErrorCode.ACTION, `Can not deploy VM ${held}, wrong state`);
    await expectError('one.vm.migrate', [held, host, false], ErrorCode.ACTION, `Can not migrate VM ${held}, wrong state`);
    await expectError('one.vm.action', ['hold', held], ErrorCode.ACTION, 'Wrong state to perform action');
    await expectError('one.user.delete', [0], ErrorCode.ACTION, 'User oneadmin cannot be deleted');
    await expectError('one.user.enable', [0, false], ErrorCode.ACTION, 'User oneadmin cannot be disabled');
  });

  it('bad input gives XML_RPC_API or ALLOCATE', async () => {
    await expectError('one.vm.action', ['explode', h.core.addVm(alice)], ErrorCode.XML_RPC_API, 'Unknown action');
    await expectError('one.user.allocate', ['alice', sha1('x')], ErrorCode.ALLOCATE, 'Existing user, cannot duplicate');
    await expectError('one.user.allocate', ['has space', sha1('x')], ErrorCode.XML_RPC_API, /Invalid user name/);
    await expectError('one.host.allocate', ['bad;name', 'im', 'vmm', 'tm'], ErrorCode.XML_RPC_API, /Invalid host name/);
    await expectError('one.vm.allocate', ['SYNTAX ERROR'], ErrorCode.ALLOCATE, 'Error parsing VM template');
    await expectError('one.vmpool.info', [-2, false, -3], ErrorCode.XML_RPC_API, /Invalid VM state filter/);
    await expectError('one.event.poll', [0, 0, 10], ErrorCode.XML_RPC_API, /maxEvents/);
    const vm = h.core.addVm(alice);
    await expectError('one.vm.schedmessage', [vm, 'two\nlines'], ErrorCode.XML_RPC_API, /one line of text: it contains U\+000A at character 4$/);
    await expectError('one.vm.schedmessage', [vm, 'x'.repeat(1025)], ErrorCode.XML_RPC_API, /1025 characters long, longer than 1024/);
  });

  it('successes answer the id, and reach the core with the caller uid', async () => {
    const vm = h.core.addVm(alice);
    const host = h.core.addHost();
    assert.deepEqual(await h.client.call('one.vm.deploy', [session('alice', 'alicepw'), vm, host]), [true, vm, 0]);
    assert.equal(h.core.commands.at(-1), `deployVm ${alice} ${vm} ${host}`);
    const [ok, uid] = (await h.client.call('one.user.allocate', [ADMIN, 'dave', sha1('davepw')])) as [boolean, number];
    assert.equal(ok, true);
    assert.notEqual(h.core.user(uid)?.passwordHash, sha1('davepw'));
    assert.deepEqual(await h.client.call('one.system.version', [session('dave', 'davepw')]), [true, '1.4.0-one-ts', 0]);
    assert.deepEqual(await h.client.call('one.user.passwd', [session('dave', 'davepw'), uid, sha1('new')]), [true, uid, 0]);
    assert.equal(((await h.client.call('one.system.version', [session('dave', 'davepw')])) as unknown[])[2], ErrorCode.AUTHENTICATION);
    assert.deepEqual(await h.client.call('one.system.version', [session('dave', 'new')]), [true, '1.4.0-one-ts', 0]);
    assert.deepEqual(await h.client.call('one.user.enable', [ADMIN, uid, false]), [true, uid, 0]);
    assert.equal(((await h.client.call('one.system.version', [session('dave', 'new')])) as unknown[])[2], ErrorCode.AUTHENTICATION);
  });
});
