import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventDetail, formatTimelineEntry, timelineEntry, stateLabel, whoCaused } from '../../../src/audit/timeline.ts';
import { WorldFold } from '../../../src/audit/world-fold.ts';
import { HOSTS, LogBuilder } from './log-builder.ts';

/** The timeline of one stream, folded as `oneaudit log vm 0` does. */
function timeline(log: LogBuilder, stream: string): string[] {
  const world = new WorldFold();
  const lines: string[] = [];
  for (const e of log.events) {
    const before = stateLabel(world, e.stream);
    world.apply(e);
    if (e.stream === stream) lines.push(formatTimelineEntry(timelineEntry(e, before, stateLabel(world, e.stream), (uid) => world.userNameEver(uid))));
  }
  return lines;
}

describe('oneaudit log: one readable line per event', () => {
  it('a VM from allocation to a failed shutdown: time, who, old → new state, driver message', () => {
    const log = new LogBuilder().user(1, 'alice').host(0).vm(0, 1, 'web').running(0, 0);
    log.vmDo(0, { type: 'Act', action: 'shutdown' }, { uid: 1, cause: 'one.vm.action shutdown' });
    log.vmDo(0, { type: 'DriverReplied', driver: 'vmm', verb: 'SHUTDOWN', success: false, info: 'domain "web" not found\nstderr: x' }, { cause: 'driver:vmm' });
    const lines = timeline(log, 'vm/0');
    assert.equal(lines.length, 6);
    assert.match(lines[0]!, /^2026-12-05T12:00:03\.000Z +#4 +vm\/0 +alice \(one\.vm\.allocate\) +VmAllocated +- → PENDING$/);
    assert.match(lines[1]!, /oneadmin \(one\.vm\.deploy\) +VmDeployed +PENDING → ACTIVE\/PROLOG +host node0$/);
    assert.match(lines[2]!, /driver:tm +VmPrologSucceeded +ACTIVE\/PROLOG → ACTIVE\/BOOT$/);
    assert.match(lines[3]!, /driver:vmm +VmBooted +ACTIVE\/BOOT → ACTIVE\/RUNNING$/);
    assert.match(lines[4]!, /alice \(one\.vm\.action shutdown\) +VmShutdownRequested +ACTIVE\/RUNNING → ACTIVE\/SHUTDOWN$/);
    // The driver's message stays on the line: its newline is printed as \n.
    assert.match(lines[5]!, /VmShutdownFailed +ACTIVE\/SHUTDOWN → ACTIVE\/RUNNING +domain "web" not found\\nstderr: x$/);
    for (const line of lines) assert.doesNotMatch(line, /[\x00-\x1f]/);
  });

  it('an event that leaves the state as it was shows the state in brackets', () => {
    const log = new LogBuilder().host(0).vm(0, 0, 'a');
    log.vmDo(0, { type: 'SetSchedMessage', message: 'No host with enough capacity' }, { uid: 0, cause: 'one.vm.schedmessage' });
    const last = timeline(log, 'vm/0').at(-1)!;
    assert.match(last, /VmSchedMessageSet +\(PENDING\) +No host with enough capacity$/);
  });

  it('hosts and users have their own state names', () => {
    const log = new LogBuilder().user(1, 'bob').host(1);
    log.run('user/1', { type: 'EnableUser', enable: false }, { uid: 0, cause: 'one.user.enable' });
    log.run('user/1', { type: 'DeleteUser' }, { uid: 0, cause: 'one.user.delete' });
    const users = timeline(log, 'user/1');
    assert.match(users[0]!, /UserAllocated +- → ENABLED$/);
    assert.match(users[1]!, /ENABLED → DISABLED$/);
    assert.match(users[2]!, /DISABLED → DELETED$/);
    assert.match(timeline(log, 'host/1')[0]!, /oneadmin \(one\.host\.allocate\) +HostAllocated +- → INIT +IM_MAD im_dummy$/);
  });

  it('who: the user by name (a deleted one too), the uid when unknown, the cause alone, or -', () => {
    const names = (uid: number) => (uid === 1 ? 'alice' : undefined);
    assert.equal(whoCaused({ uid: 1, cause: 'one.vm.deploy' }, names), 'alice (one.vm.deploy)');
    assert.equal(whoCaused({ uid: 9 }, names), 'uid 9');
    assert.equal(whoCaused({ cause: 'driver:vmm' }, names), 'driver:vmm');
    assert.equal(whoCaused({}, names), '-');
    assert.equal(whoCaused({ cause: 'x\x1b[2Jy' }, names), 'x\\x1b[2Jy');
  });

  it('details: host, reason, message, leases; attack strings printed as text', () => {
    assert.equal(eventDetail({ type: 'VmDeployed', hostname: HOSTS[1]!.hostname, vid: 3 }), 'host node1');
    assert.equal(eventDetail({ type: 'LeasesTaken', vid: 3, ips: ['10.0.0.1', '10.0.0.2'] }), 'IPs 10.0.0.1 10.0.0.2; VM 3');
    assert.equal(eventDetail({ type: 'VmSchedMessageSet', message: '$(reboot) `id`; "q"\n' }), '$(reboot) `id`; "q"\\n');
    assert.equal(eventDetail({ type: 'VmHeld', now: 5 }), '');
  });
});
