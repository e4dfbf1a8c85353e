import { compileRank, compileRequirements } from '../../../src/template/expressions/compile.ts';
import { demandOf, describeTally, rankOfPolicy, type HostTally, type PlannerHost, type PlannerInput } from '../../../src/scheduler/planner/index.ts';

/**
 * The planner's rules written the slow, obvious way (every VM against every
 * host, expressions run afresh each time), for the property tests to compare
 * with. It shares only the expression compiler and the reason wording.
 */
interface LiveHost {
  readonly h: PlannerHost;
  readonly usableMem: number;
  cpuUsage: number;
  memUsage: number;
  freeCpu: number;
  freeMem: number;
  usedCpu: number;
  usedMem: number;
  runningVms: number;
  placed: number;
}

export function lookupOf(x: LiveHost): (name: string) => string | undefined {
  const s = x.h.share;
  const share: Record<string, number> = {
    HID: x.h.id, MAX_CPU: s.maxCpu, MAX_MEM: s.maxMem, MAX_DISK: s.maxDisk, FREE_CPU: x.freeCpu, FREE_MEM: x.freeMem, FREE_DISK: s.freeDisk,
    USED_CPU: x.usedCpu, USED_MEM: x.usedMem, USED_DISK: s.usedDisk, CPU_USAGE: x.cpuUsage, MEM_USAGE: x.memUsage, DISK_USAGE: s.diskUsage, RUNNING_VMS: x.runningVms,
  };
  const host: Record<string, string> = { ...x.h.attributes, ID: String(x.h.id), NAME: x.h.name, STATE: String(x.h.state) };
  return (name) => (Object.hasOwn(x.h.template, name) ? x.h.template[name] : name in share ? String(share[name]) : Object.hasOwn(host, name) ? host[name] : undefined);
}

export function liveHosts(input: PlannerInput): LiveHost[] {
  return [...input.hosts].sort((a, b) => a.id - b.id).map((h) => ({
    h,
    usableMem: h.share.maxMem - Math.ceil(h.share.maxMem * input.limits.hypervisorMem),
    cpuUsage: h.share.cpuUsage, memUsage: h.share.memUsage, freeCpu: h.share.freeCpu, freeMem: h.share.freeMem,
    usedCpu: h.share.usedCpu, usedMem: h.share.usedMem, runningVms: h.share.runningVms, placed: 0,
  }));
}

export const hasCpu = (x: LiveHost, cpu: number) => x.h.share.maxCpu - x.cpuUsage >= cpu && x.freeCpu >= cpu;
export const hasMem = (x: LiveHost, mem: number) => x.usableMem - x.memUsage >= mem && x.freeMem >= mem;

export function place(x: LiveHost, cpu: number, mem: number): void {
  x.cpuUsage += cpu; x.memUsage += mem; x.usedCpu += cpu; x.usedMem += mem;
  x.freeCpu -= cpu; x.freeMem -= mem; x.runningVms++; x.placed++;
}

export function referencePlan(input: PlannerInput) {
  const { limits } = input;
  const hosts = liveHosts(input);
  const eligible = (x: LiveHost) => x.h.state !== 3 && x.h.state !== 4;
  const blank = (t: string | undefined) => t === undefined || t.trim() === '';
  // Per class: which hosts still pass REQUIREMENTS (evaluated at first use, then after each placement on a host).
  const alive = new Map<string, boolean[]>();
  const tests = new Map<string, (l: (n: string) => string | undefined) => boolean>();
  const placements: { vmId: number; hostId: number; rank: number }[] = [];
  const leftOut: { vmId: number; outcome: string; reason: string; tally?: HostTally }[] = [];
  const failed: { at: number; key: string; cpu: number; mem: number; refusedBy: readonly number[] }[] = [];
  const order = [...input.vms].sort((a, b) => (a.failedPasses ?? 0) - (b.failedPasses ?? 0) || a.id - b.id);
  let considered = 0;
  for (const vm of order) {
    if (considered++ >= limits.maxVm) { leftOut.push({ vmId: vm.id, outcome: 'deferred', reason: `MAX_VM (${limits.maxVm}) VMs already considered in this pass` }); continue; }
    if (placements.length >= limits.maxDispatch) { leftOut.push({ vmId: vm.id, outcome: 'deferred', reason: `MAX_DISPATCH (${limits.maxDispatch}) reached in this pass` }); continue; }
    const reqText = blank(vm.requirements) ? '' : vm.requirements!;
    const rankText = blank(vm.rank) ? rankOfPolicy(input.defaultPolicy) : vm.rank!;
    const req = compileRequirements(reqText);
    const rank = compileRank(rankText);
    if (!req.ok) { leftOut.push({ vmId: vm.id, outcome: 'unplaceable', reason: `REQUIREMENTS syntax error: ${req.error.message}` }); continue; }
    if (!rank.ok) { leftOut.push({ vmId: vm.id, outcome: 'unplaceable', reason: `${blank(vm.rank) ? 'DEFAULT_SCHED rank' : 'RANK'} syntax error: ${rank.error.message}` }); continue; }
    const key = `${reqText}\u0000${rankText}`;
    if (!alive.has(key)) {
      alive.set(key, hosts.map((x) => eligible(x) && req.value(lookupOf(x))));
      tests.set(key, req.value);
    }
    const { cpu, mem } = demandOf(vm.cpu, vm.memory);
    const ok = alive.get(key)!;
    let best = -1;
    let bestRank = 0;
    hosts.forEach((x, i) => {
      if (!ok[i] || vm.refusedBy?.includes(x.h.id) || !hasCpu(x, cpu) || !hasMem(x, mem) || x.placed >= limits.maxHost) return;
      const r = Math.trunc(rank.value(lookupOf(x))) || 0;
      if (best < 0 || r > bestRank) { best = i; bestRank = r; }
    });
    if (best < 0) { failed.push({ at: leftOut.length, key, cpu, mem, refusedBy: vm.refusedBy ?? [] }); leftOut.push({ vmId: vm.id, outcome: '', reason: '' }); continue; }
    placements.push({ vmId: vm.id, hostId: hosts[best].h.id, rank: bestRank });
    place(hosts[best], cpu, mem);
    for (const [k, flags] of alive) if (flags[best]) flags[best] = tests.get(k)!(lookupOf(hosts[best]));
  }
  for (const f of failed) {
    const t = { total: hosts.length, fit: 0, disabled: 0, error: 0, requirements: 0, refused: 0, cpu: 0, memory: 0, maxHost: 0 };
    hosts.forEach((x, i) => {
      if (x.h.state === 4) t.disabled++;
      else if (x.h.state === 3) t.error++;
      else if (!alive.get(f.key)![i]) t.requirements++;
      else if (f.refusedBy.includes(x.h.id)) t.refused++;
      else if (!hasCpu(x, f.cpu)) t.cpu++;
      else if (!hasMem(x, f.mem)) t.memory++;
      else if (x.placed >= limits.maxHost) t.maxHost++;
      else t.fit++;
    });
    leftOut[f.at] = { vmId: leftOut[f.at].vmId, outcome: t.maxHost > 0 ? 'deferred' : 'unplaceable', reason: describeTally(t), tally: t };
  }
  return { placements, leftOut };
}
