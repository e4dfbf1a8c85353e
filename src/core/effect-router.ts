import type { AnyActor } from '../actors/actor-system.ts';
import { runVmEffect } from './vm-effect-executor.ts';
import type { DriverReply } from '../actors/ports.ts';
import { parseStream } from '../events/envelope.ts';
import type { HookEffect } from '../machines/hook/hook-decider.ts';
import type { HostEffect } from '../machines/host/host-types.ts';
import { LcmState, lcmStateName, VmState, vmStateName } from '../machines/state-codes.ts';
import type { VmEffect, VmState as Vm } from '../machines/vm/vm-types.ts';
import type { Template } from '../template/template.ts';
import type { CoreContext } from './core-context.ts';
import type { OneCore } from './one-core.ts';
import { RestartProbe } from './restart-probe.ts';
import { unlessLogIsFull } from './write-retry.ts';

const POLL_LETTERS = new Set(['a', 'p', 'e', 'd', '-']);

/** `POLL SUCCESS` info (§4.4): `NAME=value` tokens until the first one without `=`. */
export function parsePollInfo(info: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const token of info.split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq <= 0) break;
    out.set(token.slice(0, eq).toUpperCase(), token.slice(eq + 1));
  }
  return out;
}

/**
 * Where committed effects go: VM effects to the VMM/TM drivers, host effects
 * to the IM drivers, state changes to the logs. Driver replies come back as
 * commands to the same entity, through its mailbox.
 */
export class EffectRouter {
  constructor(
    private readonly ctx: CoreContext,
    private readonly core: OneCore,
    private readonly frontend: string,
  ) {
    this.restartProbe = new RestartProbe(ctx, core, (stream, effects, actor) => this.sink(stream, effects, actor));
  }

  /** BOOT and MIGRATE VMs on real hypervisors: look at the hosts before sending anything again. */
  private readonly restartProbe: RestartProbe;

  /** The ActorSystem's effect sink. */
  readonly sink = (stream: string, effects: readonly unknown[], actor: AnyActor): void => {
    const parsed = parseStream(stream);
    try {
      if (parsed?.kind === 'vm') for (const e of effects as VmEffect[]) this.vmEffect(e, actor.state as Vm);
      if (parsed?.kind === 'host') for (const e of effects as HostEffect[]) this.hostEffect(e);
      if (parsed?.kind === 'hook') for (const e of effects as HookEffect[]) this.core.hookService.run(e.vid, e.hook);
    } catch (error) {
      // Effects run inside the commit that produced them: one that throws must not cut that commit short.
      this.ctx.logger.log('ONE', 'E', `Effects of ${stream} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  private vmEffect(effect: VmEffect, vm: Vm): void {
    if (effect.kind === 'state_changed') {
      const name = effect.state === VmState.ACTIVE ? lcmStateName[effect.lcm] : vmStateName[effect.state];
      this.ctx.logger.vmLog(effect.vid, effect.state === VmState.ACTIVE ? 'LCM' : 'DiM', 'I', `New VM state is ${name}`);
      return;
    }
    if (effect.kind === 'vmm' && effect.action === 'POLL') {
      this.poll(vm);
      return;
    }
    runVmEffect(effect, vm.template as Template, {
      drivers: this.ctx.drivers,
      logger: this.ctx.logger,
      varDir: this.ctx.layout.var,
      frontend: this.frontend,
      etcDir: this.ctx.layout.etc,
      vmMads: this.ctx.config.vmMads,
      safeDirs: this.ctx.config.safeDirs,
      onReply: (vid, { driver, verb, reply }) => {
        if (this.ctx.lifecycle.stopping) return;
        if (!reply.success && reply.info && !reply.info.startsWith('-')) {
          this.ctx.logger.vmLog(vid, driver === 'tm' ? 'TM' : 'VMM', 'E', `${verb} failed: ${reply.info}`);
        }
        // A reply comes once: if the log cannot take it now (a full disk), it is retried until it can.
        const now = this.ctx.clock.now();
        void this.core.writeRetry.submit(`VM ${vid}: ${driver} ${verb} ${reply.success ? 'SUCCESS' : 'FAILURE'}`, () =>
          this.core.vmService.command(
            vid,
            { type: 'DriverReplied', driver, verb: verb as never, success: reply.success, info: reply.info, now },
            undefined,
            `driver:${driver}`,
          ),
        );
      },
    }, vm.uid);
  }

  private hostEffect(effect: HostEffect): void {
    void this.ctx.drivers
      .request(effect.imMad, 'MONITOR', effect.hid, [effect.hostname])
      .then((reply) => {
        if (this.ctx.lifecycle.stopping) return;
        const what = `host ${effect.hid}: MONITOR ${reply.success ? 'SUCCESS' : 'FAILURE'}`;
        void this.core.writeRetry.submit(what, () => this.core.hostMonitor.monitored(effect.hid, reply.success, reply.info));
      });
  }

  /** Sends POLL for one VM; figures go to memory, a state letter to the VM actor (§4.4). */
  poll(vm: Vm): void {
    const h = vm.history[vm.history.length - 1];
    if (!h) return;
    const now = this.ctx.clock.now();
    const previous = this.ctx.vmPolls.get(vm.id);
    this.ctx.vmPolls.set(vm.id, { ...(previous ?? { memory: 0, cpu: 0, netTx: 0, netRx: 0 }), lastPoll: now });
    void this.ctx.drivers.request(h.vmMad, 'POLL', vm.id, [h.hostname, vm.deployId || '-', '-']).then((reply) => this.polled(vm.id, reply));
  }

  private polled(vid: number, reply: DriverReply): void {
    if (this.ctx.lifecycle.stopping) return;
    if (!reply.success) {
      this.ctx.logger.vmLog(vid, 'VMM', 'E', `Error monitoring VM: ${reply.info}`);
      return;
    }
    const values = parsePollInfo(reply.info);
    const figure = (name: string, old: number) => {
      const n = Number(values.get(name));
      return values.has(name) && Number.isFinite(n) ? n : old;
    };
    const p = this.ctx.vmPolls.get(vid) ?? { lastPoll: this.ctx.clock.now(), memory: 0, cpu: 0, netTx: 0, netRx: 0 };
    const figures = {
      lastPoll: p.lastPoll,
      memory: figure('USEDMEMORY', p.memory),
      cpu: figure('USEDCPU', p.cpu),
      netTx: figure('NETTX', p.netTx),
      netRx: figure('NETRX', p.netRx),
    };
    this.ctx.vmPolls.set(vid, figures);
    this.ctx.samples.record('vm', vid, figures.lastPoll, figures);
    const letter = values.get('STATE');
    if (letter && POLL_LETTERS.has(letter) && letter !== '-') {
      const polled = this.core.vmService.command(vid, { type: 'Polled', stateLetter: letter as 'a', now: this.ctx.clock.now() }, undefined, 'driver:vmm');
      unlessLogIsFull(this.ctx.logger, `VM ${vid}: poll state ${letter}`, polled); // the next poll says it again
    }
  }

  /** Every second: poll the RUNNING/UNKNOWN VMs that are due. */
  pollTick(): void {
    for (const vm of this.core.vmService.duePolls(this.ctx.clock.now())) this.poll(vm);
  }

  /** After a restart: re-issue what every transient entity was waiting for (invariant 4). */
  reconcile(): number {
    let issued = 0;
    const now = this.ctx.clock.now();
    for (const actor of this.ctx.system.all('vm')) {
      const vm = actor.state as Vm;
      // A RUNNING or UNKNOWN VM waits for nothing but its next POLL. One whose last figures came
      // back from monitoring.db is polled when that poll is due (pollTick), as without the
      // restart; only the others are polled now. With 100,000 VMs RUNNING, polling all of them
      // at once held up the first answers after a restart by seconds.
      if (vm.state === VmState.ACTIVE && (vm.lcm === LcmState.RUNNING || vm.lcm === LcmState.UNKNOWN) && !this.core.vmService.pollDue(vm, now)) continue;
      const effects = actor.decider.reconcile(actor.state);
      issued += effects.length;
      if (this.restartProbe.covers(actor.state as Vm)) void this.restartProbe.look(actor);
      else this.sink(actor.stream, effects, actor);
    }
    for (const actor of [...this.ctx.system.all('host'), ...this.ctx.system.all('hook')]) {
      const effects = actor.decider.reconcile(actor.state);
      issued += effects.length;
      this.sink(actor.stream, effects, actor);
    }
    return issued;
  }
}


