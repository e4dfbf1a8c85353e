/**
 * After a restart, a VM found in BOOT or MIGRATE on a real hypervisor may
 * already be where its lost request would have put it: the driver may have
 * started the domain (or finished the migration) just before oned died.
 * Sending DEPLOY again would then start a second domain, or fail on the
 * name libvirt already holds. So for VM_MADs of a real hypervisor type
 * (kvm, xen, xml) oned first POLLs the host(s) and acts on what they report:
 *
 * | found on restart                              | what oned does                          |
 * |-----------------------------------------------|-----------------------------------------|
 * | BOOT, the domain exists on the host           | as DEPLOY/RESTORE SUCCESS → RUNNING     |
 * | BOOT, no domain                               | sends DEPLOY (or RESTORE) again         |
 * | MIGRATE, on the target only                   | as MIGRATE SUCCESS → RUNNING on target  |
 * | MIGRATE, on the source only, or nowhere       | as MIGRATE FAILURE → RUNNING on source  |
 * | MIGRATE, on both (still migrating)            | looks again a little later              |
 * | a POLL fails (host unreachable)               | looks again a little later              |
 *
 * An interrupted migration is not repeated: the user asked for it once and
 * may ask again (`onevm migrate`). A domain found nowhere ends RUNNING on
 * the source, where the next POLL finds it gone (UNKNOWN), as for any
 * domain that vanished. After MAX_LOOKS inconclusive looks oned sends the
 * request again, as it does for the dummy driver, whose POLL knows nothing.
 */
import type { AnyActor, EffectSink } from '../actors/actor-system.ts';
import type { DriverReply } from '../actors/ports.ts';
import { LcmState, VmState } from '../machines/state-codes.ts';
import type { DriverVerb, VmState as Vm } from '../machines/vm/vm-types.ts';
import type { CoreContext } from './core-context.ts';
import type { OneCore } from './one-core.ts';
import { parsePollInfo } from './effect-router.ts';

/** VM_MAD types whose POLL reports a real domain. */
const REAL_TYPES = new Set(['kvm', 'xen', 'xml']);
const LOOK_AGAIN_MS = 2000;
const MAX_LOOKS = 15;

/** What one POLL says about the domain on one host. */
export type Presence = 'present' | 'absent' | 'unknown';

export function presenceOf(reply: DriverReply): Presence {
  if (!reply.success) return 'unknown';
  const state = parsePollInfo(reply.info).get('STATE');
  if (state === 'd') return 'absent';
  return state === 'a' || state === 'p' || state === 'e' || state === '-' ? 'present' : 'unknown';
}

export type RestartStep =
  | { readonly kind: 'reply'; readonly verb: DriverVerb; readonly success: boolean; readonly info: string; readonly why: string }
  | { readonly kind: 'resend'; readonly why: string }
  | { readonly kind: 'look_again'; readonly why: string };

/** The rule of the table above; `target` is the current host, `source` the previous one (MIGRATE only). */
export function stepAfterRestart(
  vm: Pick<Vm, 'lcm' | 'bootVerb'>, domain: string, target: { host: string; found: Presence }, source?: { host: string; found: Presence },
): RestartStep {
  const on = `${domain} on ${target.host}`;
  if (vm.lcm === LcmState.BOOT) {
    const verb = vm.bootVerb === 'RESTORE' ? 'RESTORE' : 'DEPLOY';
    if (target.found === 'present') return { kind: 'reply', verb, success: true, info: domain, why: `${on} already exists: ${verb} had succeeded` };
    if (target.found === 'absent') return { kind: 'resend', why: `no ${on}: ${verb} sent again` };
    return { kind: 'look_again', why: `cannot tell whether ${on} exists` };
  }
  if (!source || target.found === 'unknown' || source.found === 'unknown') {
    return { kind: 'look_again', why: `cannot tell where ${domain} runs` };
  }
  if (target.found === 'present' && source.found === 'present') {
    return { kind: 'look_again', why: `${domain} is on both ${source.host} and ${target.host}: the migration is still going on` };
  }
  if (target.found === 'present') return { kind: 'reply', verb: 'MIGRATE', success: true, info: '', why: `${on} only: the migration had succeeded` };
  const where = source.found === 'present' ? `still on ${source.host} only` : `on neither ${source.host} nor ${target.host}`;
  return {
    kind: 'reply', verb: 'MIGRATE', success: false, why: `${domain} is ${where}: the interrupted migration is given up, RUNNING on ${source.host} again`,
    info: `Migration interrupted by an oned restart; ${domain} is ${where}`,
  };
}

/** Looks at the hosts of BOOT and MIGRATE VMs on real hypervisors before anything is sent again. */
export class RestartProbe {
  constructor(
    private readonly ctx: CoreContext,
    private readonly core: OneCore,
    private readonly sink: EffectSink,
  ) {}

  /** BOOT or MIGRATE on a VM_MAD of a real hypervisor type. */
  covers(vm: Vm): boolean {
    if (vm.state !== VmState.ACTIVE || (vm.lcm !== LcmState.BOOT && vm.lcm !== LcmState.MIGRATE)) return false;
    const mad = vm.history[vm.history.length - 1]?.vmMad;
    const type = this.ctx.config.vmMads.find((m) => m.name === mad)?.type?.toLowerCase();
    return type !== undefined && REAL_TYPES.has(type);
  }

  async look(actor: AnyActor, looks = 1): Promise<void> {
    const vm = actor.state as Vm;
    const current = vm.history[vm.history.length - 1]!;
    const source = vm.lcm === LcmState.MIGRATE ? vm.history[vm.history.length - 2] : undefined;
    // Before DEPLOY SUCCESS the VM has no deploy id: the KVM and Xen files name the domain one-<vid>.
    const domain = vm.deployId || `one-${vm.id}`;
    const poll = (host: string, mad: string) => this.ctx.drivers.request(mad, 'POLL', vm.id, [host, domain, '-']).then(presenceOf);
    const found = await poll(current.hostname, current.vmMad);
    const fromSource = source ? { host: source.hostname, found: await poll(source.hostname, source.vmMad) } : undefined;
    const now = actor.state as Vm;
    // Someone else moved the VM on while we looked (a delete, say): nothing left to do.
    if (this.ctx.lifecycle.stopping || now.lcm !== vm.lcm || now.history.length !== vm.history.length) return;

    const step = stepAfterRestart(vm, domain, { host: current.hostname, found }, fromSource);
    const last = step.kind === 'look_again' && looks >= MAX_LOOKS;
    const why = last ? `${step.why} after ${looks} looks; the request is sent again` : step.why;
    this.ctx.logger.vmLog(vm.id, 'VMM', step.kind === 'reply' && step.success ? 'I' : 'W', `After the restart: ${why}`);
    if (step.kind === 'reply') {
      const reply = { type: 'DriverReplied' as const, driver: 'vmm' as const, verb: step.verb, success: step.success, info: step.info, now: this.ctx.clock.now() };
      void this.core.writeRetry.submit(`VM ${vm.id}: ${step.verb} after restart`, () => this.core.vmService.command(vm.id, reply, undefined, 'restart'));
    } else if (step.kind === 'resend' || last) {
      this.sink(actor.stream, actor.decider.reconcile(actor.state), actor);
    } else {
      setTimeout(() => void this.look(actor, looks + 1), LOOK_AGAIN_MS).unref();
    }
  }
}
