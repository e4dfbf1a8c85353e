/**
 * The charts guard every live decision, end to end through the runtime: real
 * SQLite log, real ActorSystem, the real FileLogger. A refused decision
 * appends nothing, answers 0x2000, and oned.log names both states.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ActorSystem } from '../../../src/actors/actor-system.ts';
import { guardLiveDecisions, logDisagreements } from '../../../src/actors/chart-guard.ts';
import { ErrorCode } from '../../../src/events/domain-error.ts';
import { hookDecider } from '../../../src/machines/hook/hook-decider.ts';
import { hostDecider } from '../../../src/machines/host/host-decider.ts';
import { userDecider } from '../../../src/machines/user/user-decider.ts';
import { vmDecider } from '../../../src/machines/vm/vm-decider.ts';
import type { VmCommand, VmState } from '../../../src/machines/vm/vm-types.ts';
import { vnetDecider } from '../../../src/machines/vnet/vnet-decider.ts';
import { FileLogger } from '../../../src/main/file-logger.ts';
import { openEventLog } from '../../../src/store/sqlite-event-log.ts';
import { H1, REQ } from '../machines/vm/vm-fixtures.ts';
import type { NoNow } from '../machines/vm/vm-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'one-ts-chart-guard-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const real = { vm: vmDecider, host: hostDecider, vnet: vnetDecider, user: userDecider, hook: hookDecider };

/** A runtime on a fresh log whose refusals go to a real oned.log. */
function runtime(name: string, deciders = real) {
  const logger = new FileLogger(join(dir, name, 'oned.log'), 3, join(dir, name));
  const log = openEventLog(join(dir, name, 'one.db'));
  const system = new ActorSystem(log, guardLiveDecisions(deciders, logDisagreements(logger)));
  const onedLog = () => {
    logger.flush();
    try {
      return readFileSync(join(dir, name, 'oned.log'), 'utf8');
    } catch {
      return '';
    }
  };
  return { system, log, onedLog };
}

let now = 1_000;
const vmStep = (system: ActorSystem, command: NoNow) =>
  system.execute('vm', 0, { ...command, now: (now += 10) });
const toRunning: NoNow[] = [
  { type: 'Allocate', vid: 0, uid: 0, name: 'vm0', template: {}, requirement: REQ },
  { type: 'Deploy', ...H1 },
  { type: 'DriverReplied', driver: 'tm', verb: 'TRANSFER', success: true, info: '' },
  { type: 'DriverReplied', driver: 'vmm', verb: 'DEPLOY', success: true, info: 'one-0' },
];

describe('chart guard in the runtime', () => {
  it('lets a normal VM and host life through', async () => {
    const { system, log, onedLog } = runtime('normal');
    const life: NoNow[] = [
      ...toRunning,
      { type: 'Act', action: 'shutdown' },
      { type: 'DriverReplied', driver: 'vmm', verb: 'SHUTDOWN', success: true, info: '' },
      { type: 'DriverReplied', driver: 'tm', verb: 'TRANSFER', success: true, info: '' },
    ];
    for (const command of life) {
      const r = await vmStep(system, command);
      assert.ok(r.ok, `${command.type}: ${r.ok ? '' : r.error.message}`);
    }
    assert.equal((system.get('vm', 0)!.state as VmState).state, 6, 'DONE');
    const hostLife = [
      { type: 'Allocate', hid: 0, name: 'node1', imMad: 'im_kvm', vmMad: 'vmm_kvm', tmMad: 'tm_ssh' },
      { type: 'MonitoringStarted' }, { type: 'MonitorReplied', success: true, share: { maxCpu: 100 } },
      { type: 'Enable', enable: false }, { type: 'Enable', enable: true }, { type: 'Delete' },
    ];
    for (const command of hostLife) {
      const r = await system.execute('host', 0, { ...command, now: (now += 10) });
      assert.ok(r.ok, `${command.type}: ${r.ok ? '' : r.error.message}`);
    }
    assert.equal((await log.streamVersion('host/0')), 6);
    assert.doesNotMatch(onedLog(), /Refused/);
    log.close();
  });

  it('refuses a broken decider with 0x2000, appends nothing and logs both states', async () => {
    // Deliberately wrong: hold a RUNNING VM (the chart has no VmHeld out of ACTIVE).
    const broken = {
      ...vmDecider,
      decide: (vm: VmState, c: VmCommand) =>
        (c.type === 'Act' && c.action === 'hold' ? { ok: true as const, events: [{ type: 'VmHeld' as const, now: c.now }] } : vmDecider.decide(vm, c)),
    };
    const { system, log, onedLog } = runtime('broken', { ...real, vm: broken });
    for (const command of toRunning) assert.ok((await vmStep(system, command)).ok, command.type);
    const version = (await log.streamVersion('vm/0'));
    const before = system.get('vm', 0)!.state;

    const refused = await vmStep(system, { type: 'Act', action: 'hold' });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error.code, ErrorCode.INTERNAL);
    assert.match(!refused.ok ? refused.error.message : '', /VmHeld/);
    assert.equal((await log.streamVersion('vm/0')), version, 'nothing appended');
    assert.equal(system.get('vm', 0)!.state, before, 'the actor kept its state');
    const line = onedLog().split('\n').find((l) => l.includes('Refused'));
    assert.ok(line, 'a refusal line in oned.log');
    assert.match(line, /\[ONE\]\[E\]: Refused a command: VM 0: .*VmHeld.* from ACTIVE\.RUNNING, the fold goes to HOLD/);

    // Decisions made inside a multi-stream plan (as the VM service makes them) are guarded too.
    const planned = await system.transact(['vm/0'], (states) => {
      const d = system.decide('vm', states.get('vm/0'), { type: 'Act', action: 'hold', now: (now += 10) });
      return d.ok ? { ok: true, events: new Map([['vm/0', d.events]]) } : d;
    });
    assert.equal(!planned.ok && planned.error.code, ErrorCode.INTERNAL);
    // The VM still works through the commands the decider gets right.
    assert.ok((await vmStep(system, { type: 'Act', action: 'shutdown' })).ok);
    log.close();
  });
});
