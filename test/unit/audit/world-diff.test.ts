import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { diffSummaries, formatChange, summarize } from '../../../src/audit/world-diff.ts';
import { WorldFold } from '../../../src/audit/world-fold.ts';
import { HOSTS, LogBuilder } from './log-builder.ts';

const foldUpTo = (log: LogBuilder, seq: number) => {
  const w = new WorldFold();
  for (const e of log.events) if (e.seq <= seq) w.apply(e);
  return w;
};

describe('oneaudit diff: what changed between two points of the log', () => {
  it('lists objects created, deleted (VM DONE, user deleted), changed state and moved host', () => {
    const log = new LogBuilder().user(1, 'alice').user(2, 'carol').host(0).host(1).vm(0, 1, 'web').running(0, 0).vm(1, 1, 'db');
    const from = log.events.length;
    log.vmDo(0, { type: 'Migrate', ...HOSTS[1]!, live: true }, { uid: 0, cause: 'one.vm.migrate' });
    log.vmDo(0, { type: 'DriverReplied', driver: 'vmm', verb: 'MIGRATE', success: true, info: '' }, { cause: 'driver:vmm' });
    log.vmDo(1, { type: 'Act', action: 'hold' }, { uid: 1, cause: 'one.vm.action hold' });
    log.vm(2, 1, 'new\nline').vmDo(2, { type: 'Act', action: 'finalize' }, { uid: 1, cause: 'one.vm.action finalize' });
    log.run('user/2', { type: 'DeleteUser' }, { uid: 0, cause: 'one.user.delete' });
    log.vm(3, 1, 'cache');

    const changes = diffSummaries(summarize(foldUpTo(log, from)), summarize(foldUpTo(log, log.events.length)));
    assert.deepEqual(changes.map(formatChange), [
      'deleted  user/2   carol            DELETED',
      'state    vm/1     db               PENDING → HOLD',
      'created  vm/2     new\\nline        DONE',
      'deleted  vm/2     new\\nline        DONE',
      'created  vm/3     cache            PENDING',
      'moved    vm/0     web              node0 → node1',
    ].sort((a, b) => order(a) - order(b)));
  });

  it('no change between a point and itself; everything is created from the empty log', () => {
    const log = new LogBuilder().user(1, 'alice').host(0).vm(0, 1, 'web').running(0, 0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: log.events.length }), (seq) => {
        const s = summarize(foldUpTo(log, seq));
        assert.deepEqual(diffSummaries(s, s), []);
        const created = diffSummaries(new Map(), s).filter((c) => c.change === 'created');
        assert.equal(created.length, s.size);
      }),
    );
  });

  it('a VM that only changed LCM state shows it as ACTIVE/…', () => {
    const log = new LogBuilder().host(0).vm(0, 0, 'web').running(0, 0);
    const at = (seq: number) => summarize(foldUpTo(log, seq));
    const deployed = log.events.findIndex((e) => e.event.type === 'VmDeployed') + 1;
    assert.deepEqual(diffSummaries(at(deployed), at(log.events.length)).map(formatChange), ['state    vm/0     web              ACTIVE/PROLOG → ACTIVE/RUNNING']);
  });
});

/** The order diffSummaries sorts in: by kind, then id (the test lists them by hand). */
function order(line: string): number {
  const [, kind, id] = /(\w+)\/(\d+)/.exec(line)!;
  return (['host', 'user', 'vm', 'vnet'].indexOf(kind!) * 1000) + Number(id);
}
