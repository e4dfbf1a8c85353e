import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { methodTable } from '../../src/rpc/methods/method-table.ts';
import type { XmlRpcValue } from '../../src/rpc/client.ts';
import { Oned, sha1hex, waitFor } from '../helpers/oned-harness.ts';

/**
 * Who may call what (spec §3.2, §11.2), cell by cell against a real oned:
 * every method × {oneadmin, the object's owner, another user, a disabled
 * user, a bad password}. Objects under test belong to the owner, and each
 * cell that would change them gets fresh ones, so no cell depends on another.
 */
const ROLES = ['oneadmin', 'owner', 'other', 'disabled', 'badPassword'] as const;
type Role = (typeof ROLES)[number];

const OK = 0;
const AUTHENTICATION = 0x100;
const AUTHORIZATION = 0x200;

interface Fixture {
  readonly one: Oned;
  readonly sessions: Record<Role, string>;
  readonly owner: number;
  readonly hosts: readonly [number, number];
  readonly unique: () => string;
}

type Params = (fx: Fixture) => Promise<XmlRpcValue[]> | XmlRpcValue[];

/** Expected code for oneadmin, owner, other; disabled and bad password are always 0x100. */
const rule = (admin: number, owner: number, other: number) => ({ admin, owner, other });
const anyone = rule(OK, OK, OK);
const ownerOnly = rule(OK, OK, AUTHORIZATION);
const adminOnly = rule(OK, AUTHORIZATION, AUTHORIZATION);

const ownerSession = (fx: Fixture) => fx.sessions.owner;
const ownerVm = async (fx: Fixture): Promise<number> =>
  (await ok(fx.one, ownerSession(fx), 'one.vm.allocate', ['NAME = mine\nCPU = 0.1\nMEMORY = 16'])) as number;
const ownerVnet = async (fx: Fixture): Promise<number> =>
  (await ok(fx.one, ownerSession(fx), 'one.vn.allocate', [
    `NAME = "n${fx.unique()}"\nTYPE = FIXED\nBRIDGE = br0\nLEASES = [ IP = 10.0.0.1 ]`,
  ])) as number;

async function runningOwnerVm(fx: Fixture): Promise<number> {
  const vid = await ownerVm(fx);
  await fx.one.ok('one.vm.deploy', vid, fx.hosts[0]);
  await waitFor(`VM ${vid} RUNNING`, async () => /<STATE>3<\/STATE><LCM_STATE>3</.test(String(await fx.one.ok('one.vm.info', vid))));
  return vid;
}

const freshHost = async (fx: Fixture) =>
  (await fx.one.ok('one.host.allocate', `x${fx.unique()}`, 'im_dummy', 'vmm_dummy', 'tm_dummy')) as number;

const TABLE: readonly { method: string; expect: ReturnType<typeof rule>; params: Params }[] = [
  { method: 'one.vm.allocate', expect: anyone, params: () => ['NAME = t\nMEMORY = 16'] },
  { method: 'one.vm.deploy', expect: ownerOnly, params: async (fx) => [await ownerVm(fx), fx.hosts[0]] },
  { method: 'one.vm.action', expect: ownerOnly, params: async (fx) => ['hold', await ownerVm(fx)] },
  // The scheduler's reason for a pending VM: oneadmin only, not even the VM's owner.
  { method: 'one.vm.schedmessage', expect: adminOnly, params: async (fx) => [await ownerVm(fx), '0/2 hosts: 2 lacked MEMORY'] },
  { method: 'one.vm.migrate', expect: ownerOnly, params: async (fx) => [await runningOwnerVm(fx), fx.hosts[1], true] },
  { method: 'one.vm.info', expect: anyone, params: async (fx) => [await ownerVm(fx)] },
  { method: 'one.vmpool.info', expect: anyone, params: () => [-2] },
  { method: 'one.host.allocate', expect: adminOnly, params: (fx) => [`h${fx.unique()}`, 'im_dummy', 'vmm_dummy', 'tm_dummy'] },
  { method: 'one.host.info', expect: anyone, params: (fx) => [fx.hosts[0]] },
  { method: 'one.host.delete', expect: adminOnly, params: async (fx) => [await freshHost(fx)] },
  { method: 'one.host.enable', expect: adminOnly, params: async (fx) => [await freshHost(fx), false] },
  { method: 'one.hostpool.info', expect: anyone, params: () => [] },
  { method: 'one.vn.allocate', expect: anyone, params: (fx) => [`NAME = "v${fx.unique()}"\nTYPE = FIXED\nBRIDGE = b\nLEASES = [ IP = 10.9.0.1 ]`] },
  { method: 'one.vn.info', expect: anyone, params: async (fx) => [await ownerVnet(fx)] },
  { method: 'one.vn.delete', expect: ownerOnly, params: async (fx) => [await ownerVnet(fx)] },
  { method: 'one.vn.publish', expect: ownerOnly, params: async (fx) => [await ownerVnet(fx), true] },
  { method: 'one.vnpool.info', expect: anyone, params: () => [-2] },
  { method: 'one.user.allocate', expect: adminOnly, params: (fx) => [`u${fx.unique()}`, sha1hex('pw')] },
  { method: 'one.user.info', expect: adminOnly, params: (fx) => [fx.owner] },
  {
    method: 'one.user.delete',
    expect: adminOnly,
    params: async (fx) => [(await fx.one.ok('one.user.allocate', `d${fx.unique()}`, sha1hex('pw'))) as number],
  },
  // Setting the owner's password to what it already is keeps the owner's session valid for later cells.
  { method: 'one.user.passwd', expect: ownerOnly, params: (fx) => [fx.owner, sha1hex('owner-pw')] },
  { method: 'one.user.enable', expect: adminOnly, params: (fx) => [fx.owner, true] },
  { method: 'one.userpool.info', expect: adminOnly, params: () => [] },
  { method: 'one.system.version', expect: anyone, params: () => [] },
  { method: 'one.event.poll', expect: adminOnly, params: () => [0, 1, 0] },
  { method: 'one.event.tip', expect: adminOnly, params: () => [] },
];

function expected(row: (typeof TABLE)[number], role: Role): number {
  if (role === 'disabled' || role === 'badPassword') return AUTHENTICATION;
  return role === 'oneadmin' ? row.expect.admin : row.expect[role];
}

async function ok(one: Oned, session: string, method: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
  const [success, value, code] = (await one.client.call(method, [session, ...params])) as [boolean, XmlRpcValue, number];
  if (!success) throw new Error(`${method} failed (${code}): ${String(value)}`);
  return value;
}

describe('authorisation matrix against a real oned', () => {
  let fx: Fixture;
  before(async () => {
    // Each refused cell is a failed login from 127.0.0.1: keep the login backoff out of the matrix.
    const one = await Oned.start({ conf: 'LOGIN_BACKOFF_FAILURES = 100000' });
    const allocateUser = async (name: string, password: string) => (await one.ok('one.user.allocate', name, sha1hex(password))) as number;
    const owner = await allocateUser('owner', 'owner-pw');
    await allocateUser('other', 'other-pw');
    const disabled = await allocateUser('disabled', 'disabled-pw');
    await one.ok('one.user.enable', disabled, false);
    const h0 = (await one.ok('one.host.allocate', 'h0', 'im_dummy', 'vmm_dummy', 'tm_dummy')) as number;
    const h1 = (await one.ok('one.host.allocate', 'h1', 'im_dummy', 'vmm_dummy', 'tm_dummy')) as number;
    await waitFor('hosts monitored', async () => (String(await one.ok('one.hostpool.info')).match(/<STATE>2</g) ?? []).length === 2);
    let n = 0;
    fx = {
      one,
      owner,
      hosts: [h0, h1],
      unique: () => String(n++),
      sessions: {
        oneadmin: one.session,
        owner: `owner:${sha1hex('owner-pw')}`,
        other: `other:${sha1hex('other-pw')}`,
        disabled: `disabled:${sha1hex('disabled-pw')}`,
        badPassword: `owner:${sha1hex('not-the-password')}`,
      },
    };
  });
  after(async () => {
    await fx?.one.stop();
    fx?.one.remove();
  });

  it('has a row for every method oned serves', () => {
    assert.deepEqual(TABLE.map((r) => r.method).sort(), [...methodTable.keys()].sort());
  });

  for (const row of TABLE) {
    describe(row.method, () => {
      for (const role of ROLES) {
        const code = expected(row, role);
        it(`${role} → ${code === OK ? 'success' : `0x${code.toString(16)}`}`, async () => {
          const params = await row.params(fx);
          const [success, value, got] = (await fx.one.client.call(row.method, [fx.sessions[role], ...params])) as [
            boolean,
            XmlRpcValue,
            number,
          ];
          assert.deepEqual([success, got], [code === OK, code], `${row.method} as ${role}: ${String(value)}`);
        });
      }
    });
  }
});
