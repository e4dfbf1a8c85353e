import type { CoreContext, HostSample, VmPollFigures } from '../core/core-context.ts';
import { VmState } from '../machines/state-codes.ts';
import type { VmState as Vm } from '../machines/vm/vm-types.ts';

/**
 * Brings back the latest monitoring template of every host and the latest
 * poll figures of every live VM, so that a restart shows them as before.
 * They are samples, not events: the monitoring table is only a cache.
 */
export function restoreSamples(ctx: CoreContext): void {
  for (const actor of ctx.system.all('host')) {
    const id = Number(actor.stream.split('/')[1]);
    const latest = ctx.samples.latest<HostSample>('host', id);
    if (latest?.sample.template) ctx.hostSamples.set(id, latest.sample);
  }
  for (const actor of ctx.system.all('vm')) {
    const vm = actor.state as Vm;
    if (vm.state === VmState.DONE) continue;
    const latest = ctx.samples.latest<VmPollFigures>('vm', vm.id);
    if (latest) ctx.vmPolls.set(vm.id, latest.sample);
  }
}
