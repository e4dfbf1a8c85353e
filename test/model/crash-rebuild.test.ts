/**
 * The crash property (issue 2): drive the real actor system (real deciders,
 * real SQLite log) with random commands, drop the whole in-memory runtime at
 * a random step — with or without a checkpoint taken at another random step —
 * rebuild it from the file, and check that every entity is exactly as the
 * live runtime held it and that the hash chain verifies.
 *
 * Re-run a failure with the seed and path fast-check prints:
 *   fc.assert(property, { seed: <seed>, path: '<path>' })
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ActorSystem } from '../../src/actors/actor-system.ts';
import { guardLiveDecisions } from '../../src/actors/chart-guard.ts';
import { describeDisagreement } from '../../src/machines/chart-check.ts';
import { hookDecider } from '../../src/machines/hook/hook-decider.ts';
import { hostDecider } from '../../src/machines/host/host-decider.ts';
import { userDecider } from '../../src/machines/user/user-decider.ts';
import { vmDecider } from '../../src/machines/vm/vm-decider.ts';
import { vnetDecider } from '../../src/machines/vnet/vnet-decider.ts';
import { openEventLog } from '../../src/store/sqlite-event-log.ts';

// As oned runs them: the charts guard every live decision, and a disagreement fails the property.
const deciders = guardLiveDecisions({ vm: vmDecider, host: hostDecider, vnet: vnetDecider, user: userDecider, hook: hookDecider }, (d) => {
  throw new Error(describeDisagreement(d));
});
const HOSTS = [0, 1, 2];
const VMS = [0, 1, 2, 3, 4];

const target = (hid: number) => ({ hid, hostname: `node${hid}`, vmDir: '/srv/one', vmMad: 'vmm_dummy', tmMad: 'tm_dummy' });

/** Every command the runner may pick from, per entity kind (`now` is filled in by the runner). */
const hostCommands: object[] = [
  { type: 'MonitoringStarted' },
  { type: 'MonitorReplied', success: true, share: { maxCpu: 800, maxMem: 1 << 24, freeCpu: 700, freeMem: 1 << 23 } },
  { type: 'MonitorReplied', success: false, message: 'down' },
  { type: 'Enable', enable: false },
  { type: 'Enable', enable: true },
  { type: 'Tick' },
];
const vmCommands: object[] = [
  ...HOSTS.map((hid) => ({ type: 'Deploy', ...target(hid) })),
  ...HOSTS.flatMap((hid) => [true, false].map((live) => ({ type: 'Migrate', live, ...target(hid) }))),
  ...['shutdown', 'hold', 'release', 'stop', 'cancel', 'suspend', 'resume', 'restart', 'finalize', 'resubmit'].map((action) => ({ type: 'Act', action })),
  ...['DEPLOY', 'SHUTDOWN', 'CANCEL', 'SAVE', 'RESTORE', 'MIGRATE'].flatMap((verb) =>
    [true, false].map((success) => ({ type: 'DriverReplied', driver: 'vmm', verb, success, info: 'd-1' })),
  ),
  ...[true, false].map((success) => ({ type: 'DriverReplied', driver: 'tm', verb: 'TRANSFER', success, info: '' })),
  ...['a', 'p', 'e', 'd'].map((stateLetter) => ({ type: 'Polled', stateLetter })),
];

/**
 * A step names an entity and a choice. Most steps pick among the commands the
 * entity would accept right now (so histories get long and varied); one in
 * five picks any command, accepted or not.
 */
const step = fc.record({
  kind: fc.constantFrom('vm' as const, 'vm' as const, 'host' as const),
  id: fc.nat(),
  choice: fc.nat(),
  anyCommand: fc.nat({ max: 4 }).map((n) => n === 0),
});
const dir = mkdtempSync(join(tmpdir(), 'one-ts-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let file = 0;

function snapshotOf(system: ActorSystem) {
  return (['vm', 'host', 'hook'] as const).flatMap((kind) =>
    system.all(kind).map((a) => [a.stream, a.version, JSON.parse(JSON.stringify(a.state))]),
  );
}

describe('crash and rebuild', () => {
  it('rebuilding from the SQLite file after dropping the runtime at any step gives the same state, and the chain verifies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 80 }),
        fc.nat(),
        fc.option(fc.nat(), { nil: undefined }),
        async (steps, crashAt, checkpointAt) => {
          const path = join(dir, `crash-${file++}.db`);
          const log = openEventLog(path);
          const live = new ActorSystem(log, deciders);
          let now = 1_000;
          for (const hid of HOSTS) {
            await live.execute('host', hid, { type: 'Allocate', hid, name: `node${hid}`, imMad: 'im_dummy', vmMad: 'vmm_dummy', tmMad: 'tm_dummy', now });
          }
          for (const vid of VMS) {
            await live.execute('vm', vid, { type: 'Allocate', vid, uid: 0, name: `vm${vid}`, template: { attributes: [] }, requirement: { cpu: 100, mem: 1024, disk: 0 }, now });
          }
          const stop = crashAt % (steps.length + 1);
          for (const [i, s] of steps.slice(0, stop).entries()) {
            now += 7;
            const ids = s.kind === 'vm' ? VMS : HOSTS;
            const id = ids[s.id % ids.length]!;
            const state = live.get(s.kind, id)!.state;
            const all = (s.kind === 'vm' ? vmCommands : hostCommands).map((c) => ({ ...c, now }));
            const accepted = all.filter((c) => {
              const d = live.decide(s.kind, state, c);
              return d.ok && d.events.length > 0;
            });
            const pool = s.anyCommand || accepted.length === 0 ? all : accepted;
            await live.execute(s.kind, id, pool[s.choice % pool.length]);
            if (checkpointAt !== undefined && checkpointAt % (stop + 1) === i) await live.checkpoint();
          }
          const expected = snapshotOf(live);
          const lastSeq = log.lastSeq();
          log.close(); // the crash: the runtime and everything in memory are gone

          for (const useSnapshots of [true, false]) {
            const reopened = openEventLog(path);
            const rebuilt = new ActorSystem(reopened, deciders);
            await rebuilt.rehydrate({ useSnapshots });
            assert.deepEqual(snapshotOf(rebuilt), expected);
            assert.equal(reopened.lastSeq(), lastSeq);
            assert.deepEqual(await reopened.verify(), { ok: true, events: lastSeq });
            reopened.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
