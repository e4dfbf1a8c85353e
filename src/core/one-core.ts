import { firstValueFrom, take, timeout } from 'rxjs';
import type { StoredEvent } from '../events/envelope.ts';
import { withoutSecrets } from '../store/secret-fields.ts';
import { firstBrokenLink } from '../store/served-links.ts';
import type { CorePort, Result, VmAction, VmQuery } from '../rpc/core-port.ts';
import type { HostView, UserView, VmView, VnetView } from '../rpc/views.ts';
import type { CoreContext } from './core-context.ts';
import { HookService } from './hook-service.ts';
import { HostMonitor } from './host-monitoring.ts';
import { HostService } from './host-service.ts';
import { NetworkLeases } from './network-leases.ts';
import { UserService } from './user-service.ts';
import { VmService } from './vm-service.ts';
import { VnetService } from './vnet-service.ts';
import { WriteRetry } from './write-retry.ts';

/**
 * The core as the XML-RPC layer sees it (rpc/core-port.ts): one object that
 * hands each call to the service of its entity. Reads come straight from the
 * actors' committed states; nothing is rebuilt per call.
 */
export class OneCore implements CorePort {
  readonly userService: UserService;
  readonly hostService: HostService;
  readonly vmService: VmService;
  readonly vnetService: VnetService;
  readonly hookService: HookService;
  readonly hostMonitor: HostMonitor;
  /** Driver and hook results that the log could not take yet (a full disk). */
  readonly writeRetry: WriteRetry;

  constructor(readonly ctx: CoreContext) {
    const leases = new NetworkLeases(ctx.system);
    this.writeRetry = new WriteRetry(ctx.logger, () => ctx.lifecycle.stopping);
    this.userService = new UserService(ctx);
    this.hostMonitor = new HostMonitor(ctx);
    this.hostService = new HostService(ctx, this.hostMonitor);
    this.hookService = new HookService(ctx, this.writeRetry);
    this.vmService = new VmService(ctx, this.userService, leases, this.hookService);
    this.vnetService = new VnetService(ctx, this.userService, leases);
  }

  allocateVm = (uid: number, text: string) => this.vmService.allocate(uid, text);
  deployVm = (uid: number, vid: number, hid: number) => this.vmService.deploy(uid, vid, hid);
  actOnVm = (uid: number, vid: number, action: VmAction) => this.vmService.act(uid, vid, action);
  migrateVm = (uid: number, vid: number, hid: number, live: boolean) => this.vmService.migrate(uid, vid, hid, live);
  setVmSchedMessage = (uid: number, vid: number, message: string) => this.vmService.setSchedMessage(uid, vid, message);

  allocateHost = (uid: number, name: string, im: string, vmm: string, tm: string) => this.hostService.allocate(uid, name, im, vmm, tm);
  deleteHost = (uid: number, hid: number) => this.hostService.delete(uid, hid);
  enableHost = (uid: number, hid: number, enable: boolean) => this.hostService.enable(uid, hid, enable);

  allocateVnet = (uid: number, text: string) => this.vnetService.allocate(uid, text);
  deleteVnet = (uid: number, nid: number, force: boolean) => this.vnetService.delete(uid, nid, force);
  publishVnet = (uid: number, nid: number, publish: boolean) => this.vnetService.publish(uid, nid, publish);

  allocateUser = (uid: number, name: string, hash: string): Promise<Result<number>> => this.userService.allocate(uid, name, hash);
  deleteUser = (uid: number, target: number) => this.userService.delete(uid, target);
  setUserPassword = (uid: number, target: number, hash: string) => this.userService.setPassword(uid, target, hash);
  enableUser = (uid: number, target: number, enable: boolean) => this.userService.enable(uid, target, enable);

  vm = (vid: number): VmView | undefined => this.vmService.view(vid);
  vms = (query: VmQuery): readonly VmView[] => this.vmService.views(query);
  host = (hid: number): HostView | undefined => this.hostService.view(hid);
  hosts = (): readonly HostView[] => this.hostService.views();
  vnet = (nid: number): VnetView | undefined => this.vnetService.view(nid);
  vnets = (uid?: number): readonly VnetView[] => this.vnetService.views(uid);
  user = (uid: number): UserView | undefined => this.userService.view(uid);
  users = (): readonly UserView[] => this.userService.all();
  userByName = (name: string): UserView | undefined => this.userService.byName(name);

  /** one.event.tip: where a follower of one.event.poll starts to see only what happens from now on. */
  lastEventSeq = (): number => this.ctx.log.lastSeq();

  /**
   * Long-poll on the committed log (one.event.poll), in the served form
   * (password hashes as digests). Every page is checked link by link against
   * the stored hash before it, so that a row changed behind oned's back is
   * never served silently: oned.log names each break once. The rows are still
   * served, as stored, so that `oneaudit verify` through the API can list
   * every break.
   */
  async pollEvents(afterSeq: number, max: number, timeoutMs: number): Promise<readonly StoredEvent[]> {
    let page = await this.ctx.log.readAll(afterSeq, max);
    if (page.length === 0 && timeoutMs > 0) {
      try {
        await firstValueFrom(this.ctx.log.follow(afterSeq).pipe(take(1), timeout({ first: timeoutMs })));
      } catch {
        return []; // nothing committed within the wait
      }
      page = await this.ctx.log.readAll(afterSeq, max);
    }
    const served = page.map(withoutSecrets);
    await this.reportBrokenLinks(afterSeq, served);
    return served;
  }

  /** Seqs whose broken link oned.log already names. */
  private readonly reportedBreaks = new Set<number>();

  private async reportBrokenLinks(afterSeq: number, served: readonly StoredEvent[]): Promise<void> {
    let after = afterSeq;
    let rest = served;
    while (rest.length > 0) {
      const before = after === 0 ? { hash: '' } : await this.ctx.log.eventAt(after);
      const broken = before
        ? firstBrokenLink({ seq: after, hash: before.hash }, rest)
        : { seq: after, stream: rest[0]!.stream, reason: `event ${after} is missing` };
      if (!broken) return;
      if (!this.reportedBreaks.has(broken.seq)) {
        this.reportedBreaks.add(broken.seq);
        this.ctx.logger.log('ONE', 'E', `Serving a changed event log: hash chain broken at event ${broken.seq} (${broken.stream}): ${broken.reason}. Run oneaudit verify.`);
      }
      // Go on after the break, so that every break in the page is named.
      const at = rest.findIndex((e) => e.seq >= broken.seq);
      if (at < 0) return;
      after = rest[at]!.seq;
      rest = rest.slice(at + 1);
    }
  }
}
