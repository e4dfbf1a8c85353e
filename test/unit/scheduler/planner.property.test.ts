import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileRequirements } from '../../../src/template/expressions/compile.ts';
import { demandOf, planPass, type DefaultPolicy, type PendingVm, type PlannerHost, type PlannerInput } from '../../../src/scheduler/planner/index.ts';
import { host, input, vm } from './planner-fixtures.ts';
import { hasCpu, hasMem, liveHosts, lookupOf, place, referencePlan } from './planner-reference.ts';

const REQUIREMENTS = ['', 'HYPERVISOR = kvm', 'RUNNING_VMS < 3', 'FREE_CPU > 150', '!(RUNNING_VMS < 2)', 'CPUSPEED > 2000 | HYPERVISOR = xen', 'ID = 3', 'NAME = "node1*"', 'CPUSPEED >'];
const RANKS = [undefined, 'RUNNING_VMS', '- RUNNING_VMS', 'FREE_CPU', 'CPUSPEED', 'FREE_MEM / 1024 - RUNNING_VMS * 10', '0', 'ID +'];

const hostArb = (id: number): fc.Arbitrary<PlannerHost> =>
  fc
    .record({
      state: fc.constantFrom(0, 1, 2, 2, 2, 2, 3, 4),
      maxCpu: fc.constantFrom(0, 100, 200, 400),
      cpuUsed: fc.double({ min: 0, max: 1.1, noNaN: true }),
      cpuFree: fc.double({ min: 0, max: 1, noNaN: true }),
      maxMem: fc.constantFrom(0, 262_144, 1_048_576),
      memUsed: fc.double({ min: 0, max: 1.1, noNaN: true }),
      memFree: fc.double({ min: 0, max: 1, noNaN: true }),
      runningVms: fc.nat(4),
      hypervisor: fc.constantFrom(undefined, 'kvm', 'xen'),
      speed: fc.constantFrom(undefined, '1800', '2400', '3000'),
    })
    .map((r) => {
      const template: Record<string, string> = {};
      if (r.hypervisor) template.HYPERVISOR = r.hypervisor;
      if (r.speed) template.CPUSPEED = r.speed;
      const share = {
        maxCpu: r.maxCpu, cpuUsage: Math.round(r.maxCpu * r.cpuUsed), freeCpu: Math.round(r.maxCpu * r.cpuFree),
        maxMem: r.maxMem, memUsage: Math.round(r.maxMem * r.memUsed), freeMem: Math.round(r.maxMem * r.memFree), runningVms: r.runningVms,
      };
      return host(id, { state: r.state, share, template });
    });

const hostsArb = fc.uniqueArray(fc.nat(30), { maxLength: 12 }).chain((ids) => fc.tuple(...ids.map(hostArb)));

const vmsArb = (hostIds: number[]): fc.Arbitrary<PendingVm[]> =>
  fc.uniqueArray(fc.nat(200), { maxLength: 30 }).chain((ids) =>
    fc.tuple(
      ...ids.map((id) =>
        fc
          .record({
            cpu: fc.constantFrom(undefined, 0, 0.1, 0.5, 1, 2),
            memory: fc.constantFrom(undefined, 0, 64, 128, 512),
            requirements: fc.constantFrom(...REQUIREMENTS),
            rank: fc.constantFrom(...RANKS),
            failedPasses: fc.constantFrom(undefined, 0, 1, 2),
            refusedBy: fc.subarray(hostIds, { maxLength: Math.min(2, hostIds.length) }),
          })
          .map((r) => vm(id, r)),
      ),
    ),
  );

const policyArb: fc.Arbitrary<DefaultPolicy> = fc.constantFrom<DefaultPolicy>('packing', 'striping', 'load-aware', { custom: 'CPUSPEED - RUNNING_VMS' });

const inputArb: fc.Arbitrary<PlannerInput> = hostsArb.chain((hosts) =>
  fc
    .record({
      vms: vmsArb(hosts.map((h) => h.id)),
      maxVm: fc.constantFrom(Infinity, 5, 20),
      maxDispatch: fc.constantFrom(Infinity, 3, 10),
      maxHost: fc.constantFrom(Infinity, 1, 2, 3),
      hypervisorMem: fc.constantFrom(0, 0.1, 0.5),
      defaultPolicy: policyArb,
    })
    .map(({ vms, defaultPolicy, ...limits }) => ({ hosts, vms, limits, defaultPolicy })),
);

/** Deterministic shuffle, so that a failing case can be replayed. */
const reversed = <T>(xs: readonly T[]): T[] => [...xs].reverse();

describe('planPass properties', () => {
  it('gives the same plan as the slow reference (every VM against every host)', () => {
    fc.assert(fc.property(inputArb, (inp) => assert.deepEqual(planPass(inp), referencePlan(inp))), { numRuns: 400 });
  });

  it('never places a VM on a host that fails its REQUIREMENTS or lacks room at that moment, burst included', () => {
    fc.assert(
      fc.property(inputArb, (inp) => {
        const plan = planPass(inp);
        const hosts = liveHosts(inp);
        const byVm = new Map(inp.vms.map((v) => [v.id, v]));
        for (const p of plan.placements) {
          const v = byVm.get(p.vmId)!;
          const x = hosts.find((h) => h.h.id === p.hostId)!;
          const { cpu, mem } = demandOf(v.cpu, v.memory);
          assert.ok(x.h.state !== 3 && x.h.state !== 4, `VM ${v.id} on a disabled or ERROR host`);
          const req = compileRequirements(v.requirements ?? '');
          assert.ok(req.ok && req.value(lookupOf(x)), `VM ${v.id} on host ${x.h.id} failing ${v.requirements}`);
          assert.ok(hasCpu(x, cpu) && hasMem(x, mem), `VM ${v.id} overcommits host ${x.h.id}`);
          assert.ok(x.placed < inp.limits.maxHost, `MAX_HOST broken on host ${x.h.id}`);
          assert.ok(!v.refusedBy?.includes(x.h.id), `VM ${v.id} sent back to a host that refused it`);
          place(x, cpu, mem);
        }
        assert.ok(plan.placements.length <= inp.limits.maxDispatch);
        assert.equal(plan.placements.length + plan.leftOut.length, inp.vms.length);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same plan for the same input, whatever the order of hosts and VMs', () => {
    fc.assert(
      fc.property(inputArb, (inp) => {
        const first = planPass(inp);
        assert.deepEqual(planPass(inp), first);
        assert.deepEqual(planPass({ ...inp, hosts: reversed(inp.hosts), vms: reversed(inp.vms) }), first);
      }),
      { numRuns: 200 },
    );
  });

  it('explains every VM left out with counts that add up to the hosts considered', () => {
    fc.assert(
      fc.property(inputArb, (inp) => {
        for (const l of planPass(inp).leftOut) {
          assert.ok(l.reason.length > 0 && !l.reason.includes('\n'));
          if (!l.tally) continue;
          const { total, ...parts } = l.tally;
          assert.equal(total, inp.hosts.length);
          assert.equal(Object.values(parts).reduce((a, b) => a + b, 0), total, l.reason);
          assert.equal(l.tally.fit, 0, `VM ${l.vmId} left out with a host that fits: ${l.reason}`);
          assert.equal(l.outcome, l.tally.maxHost > 0 ? 'deferred' : 'unplaceable');
          assert.match(l.reason, new RegExp(`^0/${total} hosts`));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('policies on identical hosts', () => {
  const setup = fc.record({ hosts: fc.integer({ min: 1, max: 15 }), vms: fc.integer({ min: 0, max: 60 }), perHost: fc.integer({ min: 1, max: 6 }) });
  /** Hosts with room for exactly `perHost` VMs of 0.1 CPU. */
  const identical = (n: number, perHost: number) => Array.from({ length: n }, (_, id) => host(id * 3 + 1, { share: { maxCpu: perHost * 10, freeCpu: perHost * 10 } }));
  const counts = (plan: ReturnType<typeof planPass>, hosts: PlannerHost[]) => hosts.map((h) => plan.placements.filter((p) => p.hostId === h.id).length);

  it('packing fills the fewest hosts', () => {
    fc.assert(
      fc.property(setup, ({ hosts: n, vms, perHost }) => {
        const hosts = identical(n, perHost);
        const plan = planPass(input(hosts, Array.from({ length: vms }, (_, id) => vm(id)), { defaultPolicy: 'packing' }));
        const placed = Math.min(vms, n * perHost);
        assert.equal(plan.placements.length, placed);
        assert.equal(counts(plan, hosts).filter((c) => c > 0).length, Math.ceil(placed / perHost));
      }),
    );
  });

  it('striping spreads the VMs: no host holds two more than another', () => {
    fc.assert(
      fc.property(setup, ({ hosts: n, vms, perHost }) => {
        const hosts = identical(n, perHost);
        const plan = planPass(input(hosts, Array.from({ length: vms }, (_, id) => vm(id)), { defaultPolicy: 'striping' }));
        const c = counts(plan, hosts);
        assert.equal(plan.placements.length, Math.min(vms, n * perHost));
        assert.ok(Math.max(...c) - Math.min(...c) <= 1, `uneven: ${c}`);
      }),
    );
  });
});
