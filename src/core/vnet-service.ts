import { domainError, ErrorCode, type DomainError } from '../events/domain-error.ts';
import { VnetType } from '../events/vnet-events.ts';
import { rangedLayout } from '../machines/vnet/ip.ts';
import { parseMacPrefix } from '../machines/vnet/mac.ts';
import type { CreateVnet } from '../machines/vnet/vnet-commands.ts';
import { reviveVnetState, type VnetState } from '../machines/vnet/vnet-state.ts';
import type { Result } from '../rpc/core-port.ts';
import type { VnetView } from '../rpc/views.ts';
import { parseTemplate } from '../template/parse-template.ts';
import { getSingle, getVectors, vectorValue } from '../template/template-lookup.ts';
import type { Template } from '../template/template.ts';
import type { CoreContext } from './core-context.ts';
import type { NetworkLeases } from './network-leases.ts';
import { outcome } from './outcome.ts';
import { vnetView } from './state-views.ts';
import type { UserService } from './user-service.ts';

const fail = (code: DomainError['code'], message: string) => ({ ok: false as const, error: domainError(code, message) });

/** Virtual networks (spec §7): templates in, `vnet/<id>` streams out. */
export class VnetService {
  private readonly macPrefix: number;

  constructor(
    private readonly ctx: CoreContext,
    private readonly users: UserService,
    private readonly leases: NetworkLeases,
  ) {
    const prefix = parseMacPrefix(ctx.config.macPrefix);
    // The config loader already refused a bad MAC_PREFIX; this is a programming error.
    if (!prefix.ok) throw new Error(prefix.error.message);
    this.macPrefix = prefix.value;
  }

  state(nid: number): VnetState | undefined {
    const s = reviveVnetState(this.ctx.system.get('vnet', nid)?.state);
    return s && !s.deleted ? s : undefined;
  }

  view(nid: number): VnetView | undefined {
    const s = this.state(nid);
    return s && this.toView(s, true);
  }

  views(uid?: number): VnetView[] {
    return this.ctx.system.all('vnet').flatMap((a) => {
      const s = reviveVnetState(a.state);
      return s && !s.deleted && (uid === undefined || s.uid === uid) ? [this.toView(s, false)] : [];
    });
  }

  private toView(s: VnetState, withLeases: boolean): VnetView {
    return vnetView(s, this.users.nameOf(s.uid), withLeases);
  }

  /** `one.vn.allocate`: parse and check the whole template before anything is appended. */
  async allocate(callerUid: number, templateText: string): Promise<Result<number>> {
    const parsed = parseTemplate(`${templateText}\n`);
    if (!parsed.ok) {
      const e = parsed.error;
      return fail(ErrorCode.XML_RPC_API, `Error parsing virtual network template: ${e.message}`);
    }
    const t = parsed.value;
    const name = getSingle(t, 'NAME');
    if (!name) return fail(ErrorCode.XML_RPC_API, 'Virtual network NAME is required');
    if (this.leases.byName(name)) return fail(ErrorCode.ALLOCATE, `Virtual network ${name} already exists`);
    return this.ctx.system.withNextId('vnet', async (nid): Promise<Result<number>> => {
      const command = this.createCommand(nid, callerUid, name, t);
      if (!command.ok) return command;
      const r = await this.ctx.system.execute('vnet', nid, command.value, { uid: callerUid, cause: 'one.vn.allocate' });
      return r.ok ? { ok: true, value: nid } : r;
    });
  }

  private createCommand(nid: number, uid: number, name: string, t: Template): Result<CreateVnet> {
    const ranged = getSingle(t, 'TYPE') === 'RANGED'; // exact upper-case match, anything else is FIXED (§7.1)
    const publicFlag = (getSingle(t, 'PUBLIC') ?? 'NO').toUpperCase();
    if (publicFlag !== 'YES' && publicFlag !== 'NO') return fail(ErrorCode.XML_RPC_API, `PUBLIC must be YES or NO, not ${publicFlag}`);
    const common = {
      type: 'CreateVnet' as const, nid, uid, name, bridge: getSingle(t, 'BRIDGE') ?? '',
      public: publicFlag === 'YES', template: t, macPrefix: this.macPrefix,
    };
    if (ranged) {
      const layout = rangedLayout(getSingle(t, 'NETWORK_ADDRESS'), getSingle(t, 'NETWORK_SIZE'), this.ctx.config.networkSize);
      if (!layout.ok) return layout;
      return { ok: true, value: { ...common, netType: VnetType.RANGED, range: { base: layout.value.base, size: layout.value.size } } };
    }
    const fixedLeases = getVectors(t, 'LEASES').map((v) => ({ ip: vectorValue(v, 'IP') ?? '', mac: vectorValue(v, 'MAC') }));
    return { ok: true, value: { ...common, netType: VnetType.FIXED, fixedLeases } };
  }

  async delete(callerUid: number, nid: number, force: boolean): Promise<Result<void>> {
    if (!this.state(nid)) return fail(ErrorCode.NO_EXISTS, `Error getting virtual network ${nid}`);
    const r = outcome(await this.ctx.system.execute('vnet', nid, { type: 'DeleteVnet', force }, { uid: callerUid, cause: 'one.vn.delete' }));
    if (r.ok) this.ctx.system.forget('vnet', nid);
    return r;
  }

  async publish(callerUid: number, nid: number, publish: boolean): Promise<Result<void>> {
    if (!this.state(nid)) return fail(ErrorCode.NO_EXISTS, `Error getting virtual network ${nid}`);
    return outcome(await this.ctx.system.execute('vnet', nid, { type: 'PublishVnet', public: publish }, { uid: callerUid, cause: 'one.vn.publish' }));
  }
}
