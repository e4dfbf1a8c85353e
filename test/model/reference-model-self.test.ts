/**
 * Self-test of the reference models against the typical flows of spec §2.6
 * and the host table of §5.1, so that the oracle is checked on its own before
 * it judges the machines.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allocatedVm, stepVm, type RefVm, type RefVmInput } from './reference/vm-reference-model.ts';
import { absentHost, stepHost, type RefHost, type RefHostInput } from './reference/host-reference-model.ts';
import { DM, HOST, LCM, REASON, vmStateName } from './reference/vm-codes.ts';

function run(inputs: readonly RefVmInput[], start: RefVm = allocatedVm(50)): { vm: RefVm; path: string[] } {
  let vm = start;
  const path: string[] = [vmStateName(vm.dm, vm.lcm)];
  inputs.forEach((input, i) => {
    const out = stepVm(vm, input, 100 + i * 10);
    assert.equal(out.kind, 'changed', `step ${i} ${JSON.stringify(input)} in ${path.at(-1)} gave ${out.kind}`);
    if (out.kind === 'changed') vm = out.vm;
    path.push(vmStateName(vm.dm, vm.lcm));
  });
  return { vm, path };
}

const deploy = (hid: number): RefVmInput => ({ kind: 'deploy', hid });
const tmOk: RefVmInput = { kind: 'tm', success: true };
const vmm = (verb: 'DEPLOY' | 'RESTORE' | 'MIGRATE' | 'SHUTDOWN' | 'CANCEL' | 'SAVE', success = true): RefVmInput =>
  ({ kind: 'vmm', verb, success });
const act = (action: 'shutdown' | 'stop' | 'suspend' | 'resume' | 'restart' | 'cancel' | 'finalize' | 'resubmit'): RefVmInput =>
  ({ kind: 'action', action });
const toRunning = [deploy(0), tmOk, vmm('DEPLOY')];

describe('VM reference model follows spec §2.6', () => {
  it('create + run', () => {
    const { vm, path } = run(toRunning);
    assert.deepEqual(path, ['PENDING', 'ACTIVE/PROLOG', 'ACTIVE/BOOT', 'ACTIVE/RUNNING']);
    assert.deepEqual(vm.held, [0]);
    assert.deepEqual(vm.history.map((h) => [h.stime, h.pstime, h.petime, h.rstime]), [[100, 100, 110, 110]]);
  });

  it('shutdown ends in DONE and frees the host', () => {
    const { vm, path } = run([...toRunning, act('shutdown'), vmm('SHUTDOWN'), tmOk]);
    assert.deepEqual(path.slice(4), ['ACTIVE/SHUTDOWN', 'ACTIVE/EPILOG', 'DONE']);
    assert.deepEqual([vm.stime, vm.etime], [50, 150]);
    assert.deepEqual(vm.held, []);
    assert.equal(vm.history[0].etime, 150);
  });

  it('stop/resume goes through PROLOG_RESUME and RESTORE', () => {
    const { vm, path } = run([...toRunning, act('stop'), vmm('SAVE'), tmOk, act('resume'), deploy(1), tmOk, vmm('RESTORE')]);
    assert.deepEqual(path.slice(4), [
      'ACTIVE/SAVE_STOP', 'ACTIVE/EPILOG_STOP', 'STOPPED', 'PENDING', 'ACTIVE/PROLOG_RESUME', 'ACTIVE/BOOT', 'ACTIVE/RUNNING',
    ]);
    assert.deepEqual(vm.held, [1]);
    assert.deepEqual(vm.history.map((h) => [h.seq, h.hid, h.reason]), [[0, 0, REASON.STOP_RESUME], [1, 1, REASON.NONE]]);
  });

  it('suspend/resume restores on the same host with a new record', () => {
    const { vm, path } = run([...toRunning, act('suspend'), vmm('SAVE'), act('resume'), vmm('RESTORE')]);
    assert.deepEqual(path.slice(4), ['ACTIVE/SAVE_SUSPEND', 'SUSPENDED', 'ACTIVE/BOOT', 'ACTIVE/RUNNING']);
    assert.deepEqual(vm.history.map((h) => [h.seq, h.hid]), [[0, 0], [1, 0]]);
    assert.deepEqual(vm.held, [0]);
  });

  it('cold migrate moves the capacity once the save succeeded', () => {
    const { vm, path } = run([...toRunning, { kind: 'migrate', hid: 2, live: false }, vmm('SAVE'), tmOk, vmm('RESTORE')]);
    assert.deepEqual(path.slice(4), ['ACTIVE/SAVE_MIGRATE', 'ACTIVE/PROLOG_MIGRATE', 'ACTIVE/BOOT', 'ACTIVE/RUNNING']);
    assert.deepEqual(vm.held, [2]);
    assert.equal(vm.history[0].reason, REASON.USER);
  });

  it('live migrate, and a failed one goes back to the source with a new record', () => {
    const ok = run([...toRunning, { kind: 'migrate', hid: 1, live: true }, vmm('MIGRATE')]);
    assert.deepEqual(ok.path.slice(4), ['ACTIVE/MIGRATE', 'ACTIVE/RUNNING']);
    assert.deepEqual(ok.vm.held, [1]);
    const bad = run([...toRunning, { kind: 'migrate', hid: 1, live: true }, vmm('MIGRATE', false)]);
    assert.deepEqual(bad.vm.held, [0]);
    assert.deepEqual(bad.vm.history.map((h) => [h.seq, h.hid, h.reason]), [[0, 0, REASON.USER], [1, 1, REASON.ERROR], [2, 0, REASON.NONE]]);
  });

  it('lost domain: poll d → UNKNOWN → restart → BOOT → RUNNING', () => {
    const { path } = run([...toRunning, { kind: 'poll', letter: 'd' }, act('restart'), vmm('DEPLOY')]);
    assert.deepEqual(path.slice(4), ['ACTIVE/UNKNOWN', 'ACTIVE/BOOT', 'ACTIVE/RUNNING']);
  });

  it('cancel ends in DONE with RETIME set (agreed deviation)', () => {
    const { vm } = run([...toRunning, act('cancel'), vmm('CANCEL')]);
    assert.equal(vm.dm, DM.DONE);
    assert.deepEqual([vm.history[0].retime, vm.history[0].etime, vm.history[0].reason], [140, 140, REASON.CANCEL]);
  });

  it('finalize during a live migration frees both hosts', () => {
    const { vm } = run([...toRunning, { kind: 'migrate', hid: 1, live: true }, act('finalize')]);
    assert.equal(vm.dm, DM.DONE);
    assert.deepEqual(vm.held, []);
  });

  it('rejects and ignores per the §2.3 matrix and §2.4', () => {
    const pending = allocatedVm(50);
    assert.equal(stepVm(pending, act('shutdown'), 1).kind, 'wrong-state');
    assert.equal(stepVm(pending, act('resubmit'), 1).kind, 'noop');
    assert.equal(stepVm(pending, tmOk, 1).kind, 'ignored');
    const done = run([act('finalize')]).vm;
    assert.equal(done.lcm, LCM.LCM_INIT);
    assert.equal(stepVm(done, act('finalize'), 1).kind, 'noop');
    assert.equal(stepVm(done, vmm('DEPLOY'), 1).kind, 'ignored');
    assert.equal(stepVm(done, act('resubmit'), 1).kind, 'wrong-state');
  });
});

describe('host reference model follows spec §5.1', () => {
  function runHost(inputs: readonly [RefHostInput, number][]): RefHost {
    let host = absentHost();
    for (const [input, now] of inputs) {
      const out = stepHost(host, input, now);
      if (out.kind === 'changed') host = out.host;
    }
    return host;
  }

  it('monitors, expires after 600 s, and keeps DISABLED on a late result', () => {
    const monitoring = runHost([[{ kind: 'allocate' }, 0], [{ kind: 'monitoring-started', driverFound: true }, 600]]);
    assert.equal(monitoring.state, HOST.MONITORING);
    assert.equal(stepHost(monitoring, { kind: 'tick' }, 599).kind, 'ignored');
    const expired = stepHost(monitoring, { kind: 'tick' }, 600);
    assert.equal(expired.kind === 'changed' && expired.host.state, HOST.INIT);
    const disabled = runHost([[{ kind: 'allocate' }, 0], [{ kind: 'monitoring-started', driverFound: true }, 600],
      [{ kind: 'enable', enabled: false }, 610], [{ kind: 'monitor-replied', success: true, share: { maxCpu: 400 } }, 620]]);
    assert.deepEqual([disabled.state, disabled.lastMonTime, disabled.share.maxCpu], [HOST.DISABLED, 620, 400]);
  });
});
