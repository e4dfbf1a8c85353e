/** Host accounting from VM holdings (spec §5.3): add/del exactly where §2.3–2.5 place them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { capacityByHost } from '../../../../src/machines/vm/vm-decider.ts';
import { H1, H2, REQ, reach, VmScript } from './vm-fixtures.ts';

const use = (n: number) => ({ cpu: n * REQ.cpu, mem: n * REQ.mem, disk: n * REQ.disk, runningVms: n });

describe('capacityByHost', () => {
  it('sums the VMs counted on each host; a migrating VM counts on both', () => {
    const a = reach.RUNNING();
    const b = new VmScript().allocate(8).deploy(H2);
    const c = reach.RUNNING().migrate(H2, true);
    const usage = capacityByHost([a.state, b.state, c.state]);
    assert.deepEqual(usage.get(1), use(2));
    assert.deepEqual(usage.get(2), use(2));
    c.vmm('MIGRATE');
    assert.deepEqual(capacityByHost([a.state, b.state, c.state]).get(1), use(1));
  });
  it('resting states hold nothing; only ACTIVE VMs count', () => {
    const rest = (['PENDING', 'HOLD', 'STOPPED', 'SUSPENDED', 'DONE', 'FAILED'] as const).map((r) => reach[r]().state);
    assert.equal(capacityByHost(rest).size, 0);
  });
  it('a failed cold migration releases the target and keeps the source', () => {
    const vm = reach.SAVE_MIGRATE();
    assert.deepEqual([...capacityByHost([vm.state]).keys()].sort(), [1, 2]);
    vm.vmm('SAVE', false);
    assert.deepEqual([...capacityByHost([vm.state])], [[1, use(1)]]);
  });
  it('migrating to the host it is on counts it twice until the move ends', () => {
    const vm = reach.RUNNING().migrate(H1, true);
    assert.deepEqual(capacityByHost([vm.state]).get(1), use(2));
    vm.vmm('MIGRATE');
    assert.deepEqual(capacityByHost([vm.state]).get(1), use(1));
  });
});
