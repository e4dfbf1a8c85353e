/**
 * Every write method answers a log that cannot be written (a full disk) with
 * 0x2000 and an OpenNebula-style sentence naming the request and the cause;
 * reads still answer. The core here throws the store's LogWriteError from
 * every command, as the real one does when SQLite reports SQLITE_FULL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../../src/events/domain-error.ts';
import { LogWriteError } from '../../../src/events/log-write-error.ts';
import { Authenticator } from '../../../src/rpc/auth.ts';
import { dispatch, type DispatchResult } from '../../../src/rpc/dispatcher.ts';
import { WRITE_METHODS } from '../../../src/rpc/log-write-failure.ts';
import { methodTable } from '../../../src/rpc/methods/method-table.ts';
import type { XmlRpcValue } from '../../../src/rpc/xmlrpc/value.ts';
import { FakeCore, session } from './fake-core.ts';

const COMMANDS = [
  'allocateVm', 'deployVm', 'actOnVm', 'migrateVm', 'setVmSchedMessage', 'allocateHost', 'deleteHost', 'enableHost',
  'allocateVnet', 'deleteVnet', 'publishVnet', 'allocateUser', 'deleteUser', 'setUserPassword', 'enableUser',
] as const;

const READS = ['one.vm.info', 'one.vmpool.info', 'one.host.info', 'one.hostpool.info', 'one.vn.info', 'one.vnpool.info', 'one.user.info', 'one.userpool.info', 'one.system.version', 'one.event.poll', 'one.event.tip'];

/** Arguments after the session that get each write method past its checks, to the core. */
const CALLS: Record<string, XmlRpcValue[]> = {
  'one.vm.allocate': ['NAME = web\nMEMORY = 64'],
  'one.vm.deploy': [0, 0],
  'one.vm.action': ['hold', 0],
  'one.vm.migrate': [1, 0, false],
  'one.vm.schedmessage': [0, '0/1 hosts: 1 lacked MEMORY'],
  'one.host.allocate': ['node9', 'im_dummy', 'vmm_dummy', 'tm_dummy'],
  'one.host.delete': [0],
  'one.host.enable': [0, false],
  'one.vn.allocate': ['NAME = lan\nTYPE = FIXED\nBRIDGE = br0\nLEASES = [ IP = 10.0.0.1 ]'],
  'one.vn.delete': [0],
  'one.vn.publish': [0, true],
  'one.user.allocate': ['bob', 'a'.repeat(40)],
  'one.user.delete': [1],
  'one.user.passwd': [1, 'b'.repeat(40)],
  'one.user.enable': [1, true],
};

function answerOf(result: DispatchResult): readonly [boolean, unknown, number] {
  assert.equal(result.kind, 'response');
  return (result as Extract<DispatchResult, { kind: 'response' }>).value as readonly [boolean, unknown, number];
}

async function fullDiskCore(): Promise<FakeCore> {
  const core = await FakeCore.create();
  await core.addUser('alice', 'pw');
  core.addVm(0);
  core.addVm(0, 3, 3); // ACTIVE/RUNNING, for migrate
  core.addHost();
  core.addVnet(0);
  for (const name of COMMANDS) {
    (core as unknown as Record<string, unknown>)[name] = async () => {
      throw new LogWriteError('database or disk is full');
    };
  }
  return core;
}

describe('XML-RPC answers when the log cannot be written', () => {
  it('every method is either a read or has its own sentence', () => {
    assert.deepEqual([...methodTable.keys()].filter((m) => !READS.includes(m)).sort(), [...WRITE_METHODS].sort());
    assert.deepEqual(Object.keys(CALLS).sort(), [...WRITE_METHODS].sort());
  });

  it('write methods fail with 0x2000 and say the event log cannot be written; reads still answer', async () => {
    const core = await fullDiskCore();
    const errors: string[] = [];
    const deps = {
      table: methodTable,
      context: { core, hashPassword: async (t: string) => `scrypt$fake$${t}` },
      auth: new Authenticator(core),
      onError: (method: string) => errors.push(method),
    };
    const admin = session('oneadmin', 'adminpass');
    for (const [method, params] of Object.entries(CALLS)) {
      const [ok, message, code] = answerOf(await dispatch({ method, params: [admin, ...params] }, deps));
      assert.equal(ok, false, method);
      assert.equal(code, ErrorCode.INTERNAL, method);
      assert.match(String(message), /^\[[A-Za-z]+\] Error [^\n]+\. Cannot write the event log: database or disk is full$/, method);
    }
    const allocate = await dispatch({ method: 'one.vm.allocate', params: [admin, 'NAME = x'] }, deps);
    assert.deepEqual(answerOf(allocate), [
      false,
      '[VirtualMachineAllocate] Error allocating a new virtual machine. Cannot write the event log: database or disk is full',
      0x2000,
    ]);
    const action = await dispatch({ method: 'one.vm.action', params: [admin, 'hold', 0] }, deps);
    assert.equal(answerOf(action)[1], '[VirtualMachineAction] Error performing action "hold" on virtual machine 0. Cannot write the event log: database or disk is full');
    assert.deepEqual(errors, [], 'a full disk is not logged as an internal error with a stack per call');

    const info = await dispatch({ method: 'one.vm.info', params: [admin, 0] }, deps);
    assert.equal(answerOf(info)[0], true);
    const pool = await dispatch({ method: 'one.vmpool.info', params: [admin, -2] }, deps);
    assert.equal(answerOf(pool)[0], true);
  });
});
