/**
 * Time travel through the real bin/oneaudit against a real oned (dummy
 * drivers): during a random workload every one.vm.info and one.hostpool.info
 * answer is recorded with the time it was asked and answered; afterwards
 * `oneaudit replay --at <that time> -x` must give the same states.
 *
 * A read happens somewhere between its request (t0) and its answer (t1). When
 * none of the events that shape the answer committed in that window, the
 * replay at the time is checked. Otherwise (drivers answer within ms, so this
 * happens) the answer must equal the state before the window or after one of
 * the events in it, each replayed by seq.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseOneXml, poolEntries, rootOf, xmlText, type XmlObject } from '../../src/cli/lib/one-xml.ts';
import { sha1hex } from '../../src/rpc/one-auth.ts';
import { allEvents, Oned, runCli, waitFor } from '../helpers/oned-harness.ts';

const NAMES = ['web', 'a\nb', `q"uote's`, '$(touch /tmp/pwned)', '`id`; ls', 'tab\there', 'back\\slash'];
const ACTIONS = ['shutdown', 'hold', 'release', 'stop', 'cancel', 'suspend', 'resume', 'restart', 'finalize', 'resubmit'];

type Op =
  | { op: 'allocate'; name: string; nic: boolean }
  | { op: 'deploy' | 'migrate'; vm: number; host: number; live: boolean }
  | { op: 'action'; vm: number; action: string }
  | { op: 'enable'; host: number; enable: boolean }
  | { op: 'pause'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('allocate' as const), name: fc.constantFrom(...NAMES), nic: fc.boolean() }),
  fc.record({ op: fc.constantFrom('deploy' as const, 'migrate' as const), vm: fc.nat(5), host: fc.nat(1), live: fc.boolean() }),
  fc.record({ op: fc.constant('action' as const), vm: fc.nat(5), action: fc.constantFrom(...ACTIONS) }),
  fc.record({ op: fc.constant('enable' as const), host: fc.nat(1), enable: fc.boolean() }),
  fc.record({ op: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 400 }) }),
);

/** One recorded answer: the read lies between t0 and t1 (epoch ms). */
interface Answer {
  readonly t0: number;
  readonly t1: number;
  readonly vm?: number;
  readonly xml: string;
}
type Round = Answer[];
interface LoggedEvent { seq: number; stream: string; ts: number }

/** A template string value: backslashes and quotes escaped, as the template parser reads them. */
const quoted = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

async function runWorkload(one: Oned, ops: readonly Op[]): Promise<Round[]> {
  const rounds: Round[] = [];
  let vms = 0;
  const record = async () => {
    const round: Round = [];
    for (let vm = 0; vm < vms; vm++) {
      const t0 = Date.now();
      const xml = String(await one.ok('one.vm.info', vm));
      round.push({ t0, t1: Date.now(), vm, xml });
    }
    const t0 = Date.now();
    const xml = String(await one.ok('one.hostpool.info'));
    round.push({ t0, t1: Date.now(), xml });
    rounds.push(round);
  };
  for (const o of ops) {
    // Refusals (a deploy of a running VM…) are part of a workload too: the replay must not show them.
    if (o.op === 'allocate') {
      const nic = o.nic ? '\nNIC = [ NETWORK = "lan" ]' : '';
      vms += (await one.call('one.vm.allocate', `NAME = ${quoted(o.name)}\nCPU = 0.5\nMEMORY = 64${nic}`))[0] ? 1 : 0;
    } else if (o.op === 'deploy') await one.call('one.vm.deploy', o.vm, o.host);
    else if (o.op === 'migrate') await one.call('one.vm.migrate', o.vm, o.host, o.live);
    else if (o.op === 'action') await one.call('one.vm.action', o.action, o.vm);
    else if (o.op === 'enable') await one.call('one.host.enable', o.host, o.enable);
    else if (o.op === 'pause') await new Promise((r) => setTimeout(r, o.ms));
    await record();
  }
  await new Promise((r) => setTimeout(r, 300));
  await record();
  return rounds;
}

/** What one.vm.info and a VM_POOL entry share and the log decides (poll figures are samples, not events). */
function vmFacts(vm: XmlObject): string {
  const fields = ['ID', 'UID', 'NAME', 'STATE', 'LCM_STATE', 'STIME', 'ETIME', 'DEPLOY_ID'];
  const history = ['SEQ', 'HOSTNAME', 'HID', 'STIME', 'ETIME', 'PSTIME', 'PETIME', 'RSTIME', 'RETIME', 'ESTIME', 'EETIME', 'REASON'];
  return JSON.stringify([...fields.map((f) => xmlText(vm, f)), ...history.map((f) => xmlText(vm, `HISTORY/${f}`))]);
}

/**
 * A host as the log decides it. A settled host being re-monitored shows
 * MONITORING (1) without an event (a sample, not a fact): counted as its state.
 */
function hostFacts(host: XmlObject, shownState?: string): string {
  const state = xmlText(host, 'STATE');
  const share = ['DISK_USAGE', 'MEM_USAGE', 'CPU_USAGE', 'RUNNING_VMS', 'MAX_CPU', 'MAX_MEM'].map((f) => xmlText(host, `HOST_SHARE/${f}`));
  const settled = shownState === '1' && (state === '2' || state === '3');
  return JSON.stringify([xmlText(host, 'ID'), xmlText(host, 'NAME'), settled ? '1' : state, xmlText(host, 'IM_MAD'), xmlText(host, 'VM_MAD'), ...share]);
}

/** Does a recorded answer match the replayed pool documents (`replay --at … -x`: four lines)? */
function matches(answer: Answer, replayed: string): boolean {
  // One document a line, but a value may hold a newline itself (`<` never: it is escaped).
  const [vmPool, hostPool] = ['VM_POOL', 'HOST_POOL'].map((root) => new RegExp(`<${root}>[\\s\\S]*?</${root}>`).exec(replayed)?.[0]);
  if (answer.vm !== undefined) {
    const recorded = rootOf(parseOneXml(answer.xml), 'VM');
    const entry = poolEntries(parseOneXml(vmPool!), 'VM_POOL', 'VM').find((v) => xmlText(v, 'ID') === String(answer.vm));
    // The pool leaves DONE VMs out, as one.vmpool.info does.
    if (xmlText(recorded, 'STATE') === '6') return entry === undefined;
    return entry !== undefined && vmFacts(entry) === vmFacts(recorded);
  }
  const shown = poolEntries(parseOneXml(answer.xml), 'HOST_POOL', 'HOST');
  const replayedHosts = poolEntries(parseOneXml(hostPool!), 'HOST_POOL', 'HOST');
  return shown.length === replayedHosts.length && shown.every((h, i) => hostFacts(replayedHosts[i]!, xmlText(h, 'STATE')) === hostFacts(h));
}

const relevant = (answer: Answer, e: LoggedEvent) => (answer.vm !== undefined ? e.stream === `vm/${answer.vm}` : /^(vm|host)\//.test(e.stream));

async function checkRun(ops: readonly Op[]): Promise<{ checked: number; bySeq: number }> {
  const one = await Oned.start();
  try {
    await one.ok('one.vn.allocate', 'NAME = lan\nTYPE = RANGED\nBRIDGE = br0\nNETWORK_ADDRESS = 10.0.0.0\nNETWORK_SIZE = C');
    for (const h of ['node0', 'node1']) await one.ok('one.host.allocate', h, 'im_dummy', 'vmm_dummy', 'tm_dummy');
    const rounds = await runWorkload(one, ops);
    const events = (await allEvents(one)) as unknown as LoggedEvent[];
    const replays = new Map<string, string>();
    const replay = async (at: string) => {
      if (!replays.has(at)) {
        const r = await runCli(one, 'oneaudit', ['replay', '--at', at, '-x']);
        assert.equal(r.code, 0, r.stderr);
        replays.set(at, r.stdout);
      }
      return replays.get(at)!;
    };
    // Four rounds spread over the run (each replay is one process), the last one included.
    const picked = [...new Set([0, 1, 2, 3].map((i) => Math.round((i * (rounds.length - 1)) / 3)))].map((i) => rounds[i]!);
    let checked = 0;
    let bySeq = 0;
    for (const round of picked) {
      const at = new Date(Math.max(...round.map((a) => a.t1))).toISOString();
      const atMs = Date.parse(at);
      for (const answer of round) {
        const racing = events.filter((e) => relevant(answer, e) && e.ts >= answer.t0 && e.ts <= atMs);
        if (racing.length === 0) {
          assert.ok(matches(answer, await replay(at)), `replay --at ${at} gave\n${await replay(at)}\nbut oned answered ${answer.xml}`);
        } else {
          // The read saw the state before the window, or the one after one of the events in it.
          const before = events.filter((e) => e.ts < answer.t0).at(-1)?.seq ?? 0;
          const candidates = [before, ...racing.filter((e) => e.ts <= answer.t1).map((e) => e.seq)];
          let found = false;
          for (const seq of candidates) if (!found && matches(answer, await replay(String(seq)))) found = true;
          assert.ok(found, `no replay at seqs ${candidates.join(',')} gives ${answer.xml}`);
          bySeq++;
        }
        checked++;
      }
    }

    // A whole one.vm.info document of the last round, TEMPLATE (leases, attack names) included, as `show -x` gives it.
    const last = rounds.at(-1)!;
    const vmAnswer = last.find((a) => a.vm !== undefined && !events.some((e) => relevant(a, e) && e.ts >= a.t0 && e.ts <= a.t1));
    if (vmAnswer) {
      const shown = await runCli(one, 'oneaudit', ['show', 'vm', String(vmAnswer.vm), '--at', new Date(vmAnswer.t1).toISOString(), '-x']);
      assert.equal(shown.code, 0, shown.stderr);
      // Poll figures are samples, not events; they come before TEMPLATE, whose CPU and MEMORY are kept.
      const withoutSamples = (xml: string) => {
        const at = xml.indexOf('<TEMPLATE>');
        return xml.slice(0, at).replace(/<(LAST_POLL|MEMORY|CPU|NET_TX|NET_RX)>[^<]*<\/\1>/g, '') + xml.slice(at);
      };
      assert.equal(withoutSamples(shown.stdout.trimEnd()), withoutSamples(vmAnswer.xml));
    }

    // The tables print attack names on one line each: one row per VM not DONE, no raw control characters.
    const table = await runCli(one, 'oneaudit', ['replay', '--at', new Date(last.at(-1)!.t1).toISOString()]);
    assert.equal(table.code, 0, table.stderr);
    const vmRows = table.stdout.split('\n\n')[1]!.split('\n').slice(2);
    const live = last.filter((a) => a.vm !== undefined && xmlText(rootOf(parseOneXml(a.xml), 'VM'), 'STATE') !== '6');
    assert.equal(vmRows.length, live.length, table.stdout);
    assert.doesNotMatch(table.stdout, /[\x00-\x09\x0b-\x1f\x7f]/);
    return { checked, bySeq };
  } finally {
    await one.stop();
    one.remove();
  }
}

describe('oneaudit replay --at gives what oned answered at that time', () => {
  it('a property over random workloads: every recorded one.vm.info and one.hostpool.info answer of four rounds', { timeout: 240_000 }, async (t) => {
    let total = 0;
    let bySeq = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 6, maxLength: 14 }), async (body) => {
        // Always some VMs to act on, the first one with an attack name and a lease.
        const ops: Op[] = [{ op: 'allocate', name: 'a\nb', nic: true }, { op: 'allocate', name: '$(touch /tmp/pwned)', nic: false }, ...body];
        try {
          const r = await checkRun(ops);
          total += r.checked;
          bySeq += r.bySeq;
        } catch (e) {
          // fast-check reports the workload; this says what went wrong with it.
          console.error(e);
          throw e;
        }
      }),
      { numRuns: 3, endOnFailure: true },
    );
    t.diagnostic(`${total} recorded answers checked, ${bySeq} of them raced an event and were matched by seq`);
    assert.ok(total >= 12, `only ${total} answers checked`);
  });

  it('timelines, a user\'s calls and diff through bin/oneaudit: alice submits, oneadmin deploys, alice migrates and shuts down', { timeout: 120_000 }, async () => {
    const one = await Oned.start();
    try {
      const alice = `alice:${sha1hex('pw')}`;
      const asAlice = async (method: string, ...params: unknown[]) => {
        const [ok, value] = (await one.client.call(method, [alice, ...(params as never[])])) as [boolean, unknown];
        assert.ok(ok, String(value));
      };
      for (const h of ['node0', 'node1']) await one.ok('one.host.allocate', h, 'im_dummy', 'vmm_dummy', 'tm_dummy');
      await one.ok('one.user.allocate', 'alice', sha1hex('pw'));
      // Hosts monitored first, so that only the VMs change after `before`.
      await waitFor('hosts monitored', async () => (String(await one.ok('one.hostpool.info')).match(/<STATE>2<\/STATE>/g) ?? []).length === 2);
      await asAlice('one.vm.allocate', 'NAME = "web\n$(id)"\nCPU = 0.5\nMEMORY = 64');
      await asAlice('one.vm.allocate', 'NAME = db\nCPU = 0.5\nMEMORY = 64');
      await one.ok('one.vm.deploy', 0, 0);
      const running = (vm: number) => async () => /<LCM_STATE>3<\/LCM_STATE>/.test(String(await one.ok('one.vm.info', vm)));
      await waitFor('VM 0 running', running(0));
      const before = String(Number(await one.ok('one.event.tip')));
      await asAlice('one.vm.migrate', 0, 1, true);
      await waitFor('VM 0 on node1', async () => /<HID>1<\/HID>/.test(String(await one.ok('one.vm.info', 0))) && (await running(0)()));
      await asAlice('one.vm.action', 'hold', 1);

      const log = await runCli(one, 'oneaudit', ['log', 'vm', '0']);
      assert.equal(log.code, 0, log.stderr);
      const lines = log.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^\d{4}-\d\d-\d\dT[\d:.]+Z +#\d+ +vm\/0 +alice \(one\.vm\.allocate\) +VmAllocated +- → PENDING$/);
      assert.match(lines[1]!, /oneadmin \(one\.vm\.deploy\) +VmDeployed +PENDING → ACTIVE\/PROLOG +host node0$/);
      assert.match(log.stdout, /driver:vmm +VmBooted +ACTIVE\/BOOT → ACTIVE\/RUNNING/);
      assert.match(lines.at(-2)!, /alice \(one\.vm\.migrate\) +VmMigrationStarted +ACTIVE\/RUNNING → ACTIVE\/MIGRATE +host node1$/);
      assert.match(lines.at(-1)!, /driver:vmm +VmMigrated +ACTIVE\/MIGRATE → ACTIVE\/RUNNING$/);

      const byAlice = await runCli(one, 'oneaudit', ['log', '--user', 'alice']);
      assert.deepEqual(byAlice.stdout.trimEnd().split('\n').map((l) => /(vm\/\d) +alice \(([\w.]+)/.exec(l)?.slice(1).join(' ')), [
        'vm/0 one.vm.allocate', 'vm/1 one.vm.allocate', 'vm/0 one.vm.migrate', 'vm/1 one.vm.action',
      ]);
      const json = await runCli(one, 'oneaudit', ['log', 'vm/1', '--json']);
      assert.deepEqual(json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).event.type), ['VmAllocated', 'VmHeld']);

      const diff = await runCli(one, 'oneaudit', ['diff', '--from', before]);
      assert.equal(diff.code, 0, diff.stderr);
      assert.match(diff.stdout, new RegExp(`^Changes from seq ${before} to the end of the log \\(seq \\d+\\): 2\n`));
      assert.match(diff.stdout, /^moved +vm\/0 +web\\n\$\(id\) +node0 → node1$/m);
      assert.match(diff.stdout, /^state +vm\/1 +db +PENDING → HOLD$/m);

      const user = await runCli(one, 'oneaudit', ['show', 'user', '1', '--at', before]);
      assert.match(user.stdout, /^ +1 alice +True$/m);
      const vmThen = await runCli(one, 'oneaudit', ['show', 'vm', '0', '--at', before]);
      assert.match(vmThen.stdout, /^NAME +: web\\n\$\(id\)$/m);
      assert.match(vmThen.stdout, /^LCM_STATE +: RUNNING$/m);

      // Bad input: a usage error (exit 3) naming the accepted forms; an object that did not exist yet (exit 255).
      const bad = await runCli(one, 'oneaudit', ['replay', '--at', '$(reboot)']);
      assert.equal(bad.code, 3);
      assert.match(bad.stderr, /^Error: .*give a seq \(1234\), epoch seconds \(@1764974314\) or an ISO 8601 time/);
      const early = await runCli(one, 'oneaudit', ['show', 'vm', '1', '--at', '1']);
      assert.deepEqual([early.code, early.stderr], [255, 'Error: VM 1 does not exist at seq 1\n']);
    } finally {
      await one.stop();
      one.remove();
    }
  });
});
