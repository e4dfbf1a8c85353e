import type { Placement, Plan } from '../planner/index.ts';
import type { FeedSignal } from './event-feed.ts';
import { OnedRefusal, type FeedEvent, type OnedGateway, type PendingVmRecord } from './oned-gateway.ts';
import { HostCache } from './host-cache.ts';
import { pendingVm, type BoundPlanner, type VmHistory } from './plan-adapter.ts';

/**
 * The scheduler actor: it reacts to oned's event feed and runs placement
 * passes, one at a time. A pass reads the pending VMs and the hosts, asks
 * the planner for a plan, deploys it, and writes each unplaced VM's reason
 * (SCHED_MESSAGE) when it changed. Signals that arrive during a pass are
 * folded into one more pass, so a burst of 1,000 allocations costs a handful
 * of passes, not 1,000.
 *
 * Nothing is remembered between passes that oned does not also know: the
 * pending VMs are read afresh, the hosts are kept fresh from the feed
 * (host-cache.ts), and the current SCHED_MESSAGE comes from the VM's
 * template. A killed and restarted scheduler therefore carries on exactly;
 * oned refuses to deploy a VM that is no longer PENDING, so a placement is
 * never made twice.
 */

export interface SchedLogger {
  log(module: string, level: 'E' | 'W' | 'I' | 'D', message: string): void;
}

/** Events after which a VM waits in PENDING: each one asks for a pass at once. */
const MAKES_PENDING = new Set(['VmAllocated', 'VmReleased', 'VmResumedToPending', 'VmResubmitted']);

/** Deploy calls in flight at once during a dispatch. */
const DISPATCH_PARALLELISM = 4;

export class SchedulerActor {
  private running = false;
  private again = false;
  /** Some VM was left unplaced: any change to hosts or VMs may make room. */
  private waiting = false;
  /** Per pending VM: failed passes in a row and hosts that refused it, so failing VMs go last. */
  private history = new Map<number, VmHistory>();
  private idle: Promise<void> = Promise.resolve();
  private readonly hosts: HostCache;

  constructor(
    private readonly oned: OnedGateway,
    private readonly planner: BoundPlanner,
    private readonly log: SchedLogger,
  ) {
    this.hosts = new HostCache(oned);
  }

  onSignal(signal: FeedSignal): void {
    if (signal.kind === 'resync') {
      this.log.log('SCHED', 'I', `Synchronizing with oned (${signal.reason})`);
      this.hosts.invalidateAll();
      this.request();
      return;
    }
    this.hosts.note(signal.events);
    if (signal.events.some((e) => this.isRelevant(e))) this.request();
  }

  /** The safety net: a pass over everything, hosts read afresh. */
  sweep(): void {
    this.hosts.invalidateAll();
    this.request();
  }

  /** Asks for a pass: starts one, or folds into the next one if a pass is running. */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = this.loop();
  }

  /** Resolves once no pass is running (for a clean stop). */
  settled(): Promise<void> {
    return this.idle;
  }

  private isRelevant(e: FeedEvent): boolean {
    if (MAKES_PENDING.has(e.event.type)) return true;
    // Our own SCHED_MESSAGE writes change nothing a plan depends on.
    if (e.event.type === 'VmSchedMessageSet') return false;
    return this.waiting && (e.event.type.startsWith('Vm') || e.event.type.startsWith('Host'));
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (error) {
          // oned went away mid-pass: the feed notices too, and its resync asks for a new pass.
          this.log.log('SCHED', 'E', `Scheduling pass failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  private async pass(): Promise<void> {
    const vms = await this.oned.pendingVms();
    if (vms.length === 0) {
      this.waiting = false;
      this.history.clear();
      return;
    }
    const hosts = await this.hosts.read();
    const plan = this.planner(hosts, vms.map((vm) => pendingVm(vm, this.history.get(vm.id))));
    this.log.log('SCHED', 'D', `Pass: ${vms.length} pending VMs, ${hosts.length} hosts, ${plan.placements.length} placements`);

    const refused = await this.dispatch(plan.placements);
    // Their usage changed: read them again next pass, even before the feed brings the deploy events.
    for (const p of plan.placements) this.hosts.markDirty(p.hostId);
    await this.explain(plan, vms);
    this.remember(plan, refused);

    const unplaceable = plan.leftOut.filter((l) => l.outcome === 'unplaceable').length;
    this.waiting = unplaceable > 0;
    // Deferred VMs and refused deploys are planned again at once, against fresh pools.
    if (plan.leftOut.length > unplaceable || refused.length > 0) this.again = true;
  }

  /** Failing VMs count their passes (they go behind the others next time); placed ones are forgotten. */
  private remember(plan: Plan, refused: readonly Placement[]): void {
    const next = new Map<number, VmHistory>();
    const failed = (vmId: number, refusedBy: readonly number[]) =>
      next.set(vmId, { failedPasses: (this.history.get(vmId)?.failedPasses ?? 0) + 1, refusedBy });
    for (const l of plan.leftOut) {
      if (l.outcome === 'unplaceable') failed(l.vmId, []);
      else if (this.history.has(l.vmId)) next.set(l.vmId, this.history.get(l.vmId)!);
    }
    for (const r of refused) failed(r.vmId, [r.hostId]);
    this.history = next;
  }

  /** Deploys the plan; returns the deploys oned refused (they are re-planned, not retried). */
  private async dispatch(placements: readonly Placement[]): Promise<Placement[]> {
    let next = 0;
    const refused: Placement[] = [];
    const worker = async () => {
      while (next < placements.length) {
        const p = placements[next++]!;
        try {
          await this.oned.deploy(p.vmId, p.hostId);
          this.log.log('VM', 'I', `VM ${p.vmId} dispatched to host ${p.hostId} (rank ${p.rank})`);
        } catch (error) {
          if (!(error instanceof OnedRefusal)) throw error;
          refused.push(p);
          this.log.log('VM', 'W', `Error deploying virtual machine ${p.vmId} to HID: ${p.hostId}. Reason: ${error.message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DISPATCH_PARALLELISM, placements.length) }, worker));
    return refused;
  }

  /** Writes SCHED_MESSAGE where it changed; oned records only changes, and so do we ask only for those. */
  private async explain(plan: Plan, vms: readonly PendingVmRecord[]): Promise<void> {
    const current = new Map(vms.map((vm) => [vm.id, vm.template.SCHED_MESSAGE ?? '']));
    for (const { vmId, reason, outcome } of plan.leftOut) {
      if (outcome !== 'unplaceable' || current.get(vmId) === reason) continue;
      try {
        await this.oned.setSchedMessage(vmId, reason);
        this.log.log('VM', 'I', `VM ${vmId} not placed: ${reason}`);
      } catch (error) {
        if (!(error instanceof OnedRefusal)) throw error;
        // The VM left PENDING meanwhile (deleted, held): nothing to explain any more.
        this.log.log('VM', 'D', `SCHED_MESSAGE of VM ${vmId} not written: ${error.message}`);
      }
    }
  }
}
