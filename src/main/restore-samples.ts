import type { CoreContext, HostSample, VmPollFigures } from '../core/core-context.ts';
import type { VmState as Vm } from '../machines/vm/vm-types.ts';

/**
 * Brings back the latest monitoring template of every host and the latest
 * poll figures of every VM, DONE ones included (they keep showing their last
 * figures, as they did before the restart). They are samples, not events:
 * the monitoring table is only a cache. One query per kind, not per entity,
 * so that start-up with 100,000 VMs does not pay 100,000 look-ups.
 */
export function restoreSamples(ctx: CoreContext): void {
  const hostSamples = ctx.samples.latestOfEach<HostSample>('host');
  for (const actor of ctx.system.all('host')) {
    const id = Number(actor.stream.split('/')[1]);
    const latest = hostSamples.get(id);
    if (latest?.sample.template) ctx.hostSamples.set(id, latest.sample);
  }
  const polls = ctx.samples.latestOfEach<VmPollFigures>('vm');
  for (const actor of ctx.system.all('vm')) {
    const vm = actor.state as Vm;
    const latest = polls.get(vm.id);
    if (latest) ctx.vmPolls.set(vm.id, latest.sample);
  }
}
