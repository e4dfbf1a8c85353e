import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { totalsBy, usageRows, type Period } from '../../../src/audit/accounting.ts';
import { accountingCsv } from '../../../src/audit/accounting-report.ts';
import { WorldFold } from '../../../src/audit/world-fold.ts';
import { HOSTS, LogBuilder } from './log-builder.ts';

const USERS = [1, 2, 3];
const VMS = 5;

type Op = { vm: number; act: 'deploy' | 'migrate' | 'shutdown' | 'wait'; host: number; wait: number };
const op = fc.record({
  vm: fc.integer({ min: 0, max: VMS - 1 }),
  act: fc.constantFrom('deploy', 'migrate', 'shutdown', 'wait', 'wait'),
  host: fc.integer({ min: 0, max: HOSTS.length - 1 }),
  wait: fc.integer({ min: 0, max: 7200 }),
}) as fc.Arbitrary<Op>;

/** A random workload through the real VM decider: deploys, live migrations, shutdowns, time passing. */
function workload(ops: readonly Op[]): { world: WorldFold; start: number; end: number } {
  const b = new LogBuilder();
  b.host(0).host(1);
  for (const uid of USERS) b.user(uid, `user${uid}`);
  const start = Math.floor(b.ts / 1000);
  const status: ('pending' | 'running' | 'done')[] = [];
  const on: number[] = [];
  for (let vid = 0; vid < VMS; vid++) {
    b.vm(vid, USERS[vid % USERS.length]!, `vm${vid}`);
    status.push('pending');
    on.push(-1);
  }
  const driver = (vid: number, d: 'vmm' | 'tm', verb: string) => b.vmDo(vid, { type: 'DriverReplied', driver: d, verb, success: true, info: '' } as never, { cause: `driver:${d}` });
  for (const { vm, act, host, wait } of ops) {
    if (act === 'wait') b.ts += wait * 1000;
    else if (act === 'deploy' && status[vm] === 'pending') {
      b.running(vm, host);
      [status[vm], on[vm]] = ['running', host];
    } else if (act === 'migrate' && status[vm] === 'running' && on[vm] !== host) {
      b.vmDo(vm, { type: 'Migrate', live: true, ...HOSTS[host]! } as never, { uid: 0 });
      driver(vm, 'vmm', 'MIGRATE');
      on[vm] = host;
    } else if (act === 'shutdown' && status[vm] === 'running') {
      b.vmDo(vm, { type: 'Act', action: 'shutdown' } as never, { uid: 0 });
      driver(vm, 'vmm', 'SHUTDOWN');
      driver(vm, 'tm', 'TRANSFER');
      status[vm] = 'done';
    }
  }
  const world = new WorldFold();
  for (const e of b.events) world.apply(e);
  return { world, start, end: Math.floor(b.ts / 1000) + 1 };
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-6;

describe('accounting (oneacct)', () => {
  it('per-user totals are the sums of the history intervals; running time is never negative and never overlaps', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (ops, a, c) => {
        const { world, start, end } = workload(ops);
        const span = end - start + 7200;
        const [lo, hi] = [Math.min(a, c), Math.max(a, c)];
        const period: Period = { from: start - 600 + Math.floor(lo * span), to: start - 600 + Math.floor(hi * span) };
        const rows = usageRows(world.vms.values(), period);
        // The oracle: every history record's RSTIME..RETIME (or up to the end of the period while still running), clipped.
        const expected = new Map<number, number>();
        for (const vm of world.vms.values()) {
          for (const h of vm.history) {
            if (!h.rstime) continue;
            const stop = h.retime || h.etime || period.to;
            const seconds = Math.max(0, Math.min(stop, period.to) - Math.max(h.rstime, period.from));
            expected.set(vm.uid, (expected.get(vm.uid) ?? 0) + seconds / 3600);
          }
        }
        const totals = totalsBy(rows, (r) => r.uid);
        for (const uid of USERS) {
          const t = totals.get(uid);
          assert.ok(near(t?.hours ?? 0, expected.get(uid) ?? 0), `user ${uid}: ${t?.hours} h, history says ${expected.get(uid)}`);
          if (!t) continue;
          assert.ok(near(Object.values(t.hostHours).reduce((x, y) => x + y, 0), t.hours), 'hours per host add up');
          const mine = rows.filter((r) => r.uid === uid);
          assert.ok(near(t.cpuHours, mine.reduce((x, r) => x + r.cpu * r.hours, 0)));
          assert.ok(near(t.memoryMbHours, mine.reduce((x, r) => x + r.memoryMb * r.hours, 0)));
        }
        for (const r of rows) {
          assert.ok(r.end >= r.start && r.hours >= 0, `negative: ${JSON.stringify(r)}`);
          assert.ok(r.start >= period.from && r.end <= period.to, 'inside the period');
        }
        for (let vid = 0; vid < VMS; vid++) {
          const mine = rows.filter((r) => r.vid === vid).sort((x, y) => x.start - y.start);
          for (let i = 1; i < mine.length; i++) assert.ok(mine[i]!.start >= mine[i - 1]!.end, `VM ${vid} runs twice at once: ${JSON.stringify(mine)}`);
        }
        assert.equal(accountingCsv(rows).split('\n').length, rows.length + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('counts a VM still running up to the end of the period, and nothing outside it', () => {
    const b = new LogBuilder();
    b.host(0).user(1, 'alice').vm(0, 1, 'a').running(0, 0);
    const world = new WorldFold();
    for (const e of b.events) world.apply(e);
    const rstime = world.vms.get(0)!.history[0]!.rstime;
    const [row] = usageRows(world.vms.values(), { from: rstime - 100, to: rstime + 7200 });
    assert.deepEqual([row!.hours, row!.cpuHours, row!.memoryMbHours, row!.hostname], [2, 2, 128, 'node0']);
    assert.deepEqual(usageRows(world.vms.values(), { from: 0, to: rstime - 1 }), []);
  });

  it('CSV quotes commas, quotes and line breaks and defuses formulas', () => {
    const row = { uid: 1, vid: 2, name: '=cmd|"x",\ny', seq: 0, hid: 0, hostname: 'h', reason: 0, start: 1, end: 2, cpu: 1, memoryMb: 64, hours: 1, cpuHours: 1, memoryMbHours: 64 };
    assert.equal(accountingCsv([row]).split('\n').slice(1).join('\n'), `1,2,"'=cmd|""x"",\ny",0,0,h,0,1,2,1,64,1,1,64`);
  });
});
