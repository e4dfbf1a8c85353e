/**
 * oneaudit — checks a running oned from the outside, through the API only
 * (one.event.poll and the pool calls), as an auditor would:
 *
 *   oneaudit verify          re-computes the hash chain of the whole log and
 *                            reports every break (exit 1 when there is one)
 *   oneaudit replay          checks the chain too, folds the log through the VM
 *                            and host machines and compares the result with what
 *                            oned serves; a broken chain fails it
 *   oneaudit log [stream]    prints the log (optionally one stream), one JSON line an event
 *
 * ONE_XMLRPC and ONE_AUTH as for the other tools; oneadmin only.
 */
import type { StoredEvent } from '../events/envelope.ts';
import { hostDecider } from '../machines/host/host-decider.ts';
import type { HostMachineState } from '../machines/host/host-types.ts';
import { vmDecider } from '../machines/vm/vm-decider.ts';
import type { VmState } from '../machines/vm/vm-types.ts';
import { XmlRpcClient } from '../rpc/client.ts';
import { readCredentials, sessionOf } from '../rpc/one-auth.ts';
import { escapeXml } from '../template/escape-xml.ts';
import { ChainChecker, type ChainCheck } from './chain-check.ts';

const PAGE = 10_000;

async function* allEvents(client: XmlRpcClient, session: string): AsyncGenerator<StoredEvent[]> {
  for (let after = 0; ; ) {
    const [ok, value] = (await client.call('one.event.poll', [session, after, PAGE, 0])) as [boolean, string];
    if (!ok) throw new Error(value);
    const page = JSON.parse(value) as StoredEvent[];
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.seq;
  }
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** One line per break, each naming the seq and, when known, the stream. */
function breakLines(r: ChainCheck): string[] {
  return r.ok ? [] : r.breaks.map((b) => `hash chain BROKEN at event ${b.seq}${b.stream ? ` (${b.stream})` : ''}: ${b.reason}`);
}

/**
 * Compares the fold of the log with oned's answers; returns the differences
 * found and the chain check of the events it folded (a fold of a broken log
 * proves nothing, so the caller must not call it a match).
 */
async function replay(client: XmlRpcClient, session: string): Promise<{ problems: string[]; chain: ChainCheck }> {
  const vms = new Map<string, VmState>();
  const hosts = new Map<string, HostMachineState>();
  const checker = new ChainChecker();
  for await (const page of allEvents(client, session)) {
    checker.add(page);
    for (const { stream, event } of page) {
      if (stream.startsWith('vm/')) vms.set(stream, vmDecider.evolve(vms.get(stream) ?? vmDecider.initialState, event as never));
      if (stream.startsWith('host/')) hosts.set(stream, hostDecider.evolve(hosts.get(stream) ?? hostDecider.initialState, event as never));
    }
  }
  const problems: string[] = [];
  for (const vm of vms.values()) {
    const [ok, xml] = (await client.call('one.vm.info', [session, vm.id])) as [boolean, string];
    if (!ok) {
      problems.push(`VM ${vm.id}: in the log but oned says: ${xml}`);
      continue;
    }
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
    const [ok, xml] = (await client.call('one.host.info', [session, host.id])) as [boolean, string];
    if (!ok) problems.push(`host ${host.id}: in the log but oned says: ${xml}`);
    else {
      const shown = tag(xml, 'STATE');
      // A settled host being re-monitored shows MONITORING (1) without an event (a sample, not a fact).
      const inFlight = shown === '1' && (host.state === 2 || host.state === 3);
      if (shown !== String(host.state) && !inFlight) problems.push(`host ${host.id}: STATE is ${shown} in oned, ${host.state} in the log`);
    }
  }
  return { problems, chain: checker.result() };
}

async function main(): Promise<number> {
  const [command, stream] = process.argv.slice(2);
  const creds = readCredentials();
  if (!creds.ok) throw new Error(creds.message);
  const session = sessionOf(creds.value);
  const client = new XmlRpcClient(process.env.ONE_XMLRPC ?? 'http://localhost:2633/RPC2');
  try {
    switch (command) {
      case 'verify': {
        const checker = new ChainChecker();
        for await (const page of allEvents(client, session)) checker.add(page);
        const r = checker.result();
        for (const line of breakLines(r)) console.log(line);
        console.log(r.ok ? `hash chain verified: ${r.events} events` : `hash chain BROKEN: ${r.breaks.length} breaks in ${r.events} events`);
        return r.ok ? 0 : 1;
      }
      case 'replay': {
        const { problems, chain } = await replay(client, session);
        for (const line of [...breakLines(chain), ...problems]) console.log(line);
        if (!chain.ok) {
          console.log(`replay FAILED: the hash chain is broken (${chain.breaks.length} breaks), so the log cannot vouch for oned`);
          return 1;
        }
        console.log(problems.length === 0 ? 'replay matches oned' : `${problems.length} differences`);
        return problems.length === 0 ? 0 : 1;
      }
      case 'log':
        for await (const page of allEvents(client, session)) {
          for (const e of page) if (!stream || e.stream === stream) console.log(JSON.stringify(e));
        }
        return 0;
      default:
        process.stderr.write('Usage: oneaudit verify | replay | log [stream]\n');
        return 3;
    }
  } finally {
    client.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 255;
  },
);
