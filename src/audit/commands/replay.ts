import type { Command } from 'commander';
import { hostDecider } from '../../machines/host/host-decider.ts';
import type { HostMachineState } from '../../machines/host/host-types.ts';
import { vmDecider } from '../../machines/vm/vm-decider.ts';
import type { VmState } from '../../machines/vm/vm-types.ts';
import { escapeXml } from '../../template/escape-xml.ts';
import { describeAt, type AtInstant } from '../at-instant.ts';
import { AT_HELP, atOption } from '../at-option.ts';
import type { AuditContext } from '../audit-context.ts';
import { ChainChecker, type ChainCheck } from '../chain-check.ts';
import { foldTo } from '../fold-to.ts';
import { OBJECT_KINDS, poolDocuments } from '../world-documents.ts';
import { worldTables } from '../world-tables.ts';
import { breakLines } from './verify.ts';

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

async function info(ctx: AuditContext, method: string, id: number): Promise<{ ok: true; xml: string } | { ok: false; message: string }> {
  const [ok, value] = (await ctx.client.call(method, [ctx.session, id])) as [boolean, string];
  return ok ? { ok, xml: value } : { ok, message: value };
}

/**
 * Compares the fold of the log with oned's answers; returns the differences
 * found and the chain check of the events it folded (a fold of a broken log
 * proves nothing, so the caller must not call it a match).
 */
async function compareWithOned(ctx: AuditContext): Promise<{ problems: string[]; chain: ChainCheck }> {
  const vms = new Map<string, VmState>();
  const hosts = new Map<string, HostMachineState>();
  const checker = new ChainChecker();
  for await (const page of ctx.events()) {
    checker.add(page);
    for (const { stream, event } of page) {
      if (stream.startsWith('vm/')) vms.set(stream, vmDecider.evolve(vms.get(stream) ?? vmDecider.initialState, event as never));
      if (stream.startsWith('host/')) hosts.set(stream, hostDecider.evolve(hosts.get(stream) ?? hostDecider.initialState, event as never));
    }
  }
  const problems: string[] = [];
  for (const vm of vms.values()) {
    const answer = await info(ctx, 'one.vm.info', vm.id);
    if (!answer.ok) {
      problems.push(`VM ${vm.id}: in the log but oned says: ${answer.message}`);
      continue;
    }
    const xml = answer.xml;
    const last = vm.history[vm.history.length - 1];
    const expected = { STATE: vm.state, LCM_STATE: vm.lcm, STIME: vm.stime, ETIME: vm.etime, SEQ: last?.seq, HID: last?.hid, REASON: last?.reason };
    for (const [name, value] of Object.entries(expected)) {
      if (value !== undefined && tag(xml, name) !== String(value)) problems.push(`VM ${vm.id}: ${name} is ${tag(xml, name)} in oned, ${value} in the log`);
    }
    // The scheduler's message is part of the fold too (VmSchedMessageSet, dropped on leaving PENDING).
    const shownMessage = tag(xml, 'SCHED_MESSAGE') ?? '';
    if (shownMessage !== escapeXml(vm.schedMessage ?? '')) problems.push(`VM ${vm.id}: SCHED_MESSAGE in oned differs from the log`);
  }
  for (const host of hosts.values()) {
    if (host.deleted) continue;
    const answer = await info(ctx, 'one.host.info', host.id);
    if (!answer.ok) problems.push(`host ${host.id}: in the log but oned says: ${answer.message}`);
    else {
      const shown = tag(answer.xml, 'STATE');
      // A settled host being re-monitored shows MONITORING (1) without an event (a sample, not a fact).
      const inFlight = shown === '1' && (host.state === 2 || host.state === 3);
      if (shown !== String(host.state) && !inFlight) problems.push(`host ${host.id}: STATE is ${shown} in oned, ${host.state} in the log`);
    }
  }
  return { problems, chain: checker.result() };
}

/** `oneaudit replay`: the fold of the whole log must match what oned serves now. */
export async function replayAgainstOned(ctx: AuditContext): Promise<void> {
  const { problems, chain } = await compareWithOned(ctx);
  for (const line of [...breakLines(chain), ...problems]) ctx.print(line);
  if (!chain.ok) {
    ctx.print(`replay FAILED: the hash chain is broken (${chain.breaks.length} breaks), so the log cannot vouch for oned`);
    ctx.exitCode = 1;
    return;
  }
  ctx.print(problems.length === 0 ? 'replay matches oned' : `${problems.length} differences`);
  if (problems.length > 0) ctx.exitCode = 1;
}

/**
 * `oneaudit replay --at <time|seq>`: every VM, host, network and user as
 * they stood then, as the four list tables or (-x) the four pool documents,
 * one per line.
 */
async function replayAt(ctx: AuditContext, at: AtInstant, xml: boolean): Promise<void> {
  const world = await foldTo(ctx, at);
  const docs = poolDocuments(world);
  if (xml) {
    for (const kind of OBJECT_KINDS) ctx.print(docs[kind]);
    return;
  }
  const instant = at.kind === 'time' ? at.ms : (world.ts ?? 0);
  const last = world.ts === undefined ? 'the log was empty' : `last event seq ${world.seq} at ${new Date(world.ts).toISOString()}`;
  ctx.print(`State at ${describeAt(at)} (${last})\n`);
  ctx.print(worldTables(docs, Math.floor(instant / 1000)));
}

export function registerReplay(program: Command, ctx: AuditContext): void {
  program
    .command('replay')
    .description('folds the log and compares it with what oned serves now; with --at, prints the state at that point instead')
    .option('--at <time|seq>', `replay up to ${AT_HELP}`, atOption)
    .option('-x, --xml', 'with --at: the pool documents (one.vmpool.info, one.hostpool.info, one.vnpool.info, one.userpool.info)')
    .action((options: { at?: AtInstant; xml?: boolean }, command: Command) => {
      if (options.at) return replayAt(ctx, options.at, !!options.xml);
      if (options.xml) command.error('Error: -x needs --at: replay without it compares with oned and prints no document', { exitCode: 3 });
      return replayAgainstOned(ctx);
    });
}
