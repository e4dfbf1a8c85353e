/**
 * The crash tests' model of what oned acknowledged: every allocation and
 * action whose call returned ok, with the effect it must have after any
 * restart. A call that got no answer (oned died under it) is "in doubt":
 * either outcome is fine, so its effect is only added to what is accepted,
 * and the entity is frozen until the next restart shows which one it was.
 */
import { sessionOf } from '../../src/rpc/one-auth.ts';
import { allEvents, type Oned } from './oned-harness.ts';

export type Kind = 'vm' | 'host' | 'vnet' | 'user';
export const KINDS: readonly Kind[] = ['vm', 'host', 'vnet', 'user'];

/**
 * What an entity shows, coarse enough that background progress (a deploy
 * reaching RUNNING, a shutdown reaching DONE) stays in the same phase.
 */
export type Phase = 'pending' | 'hold' | 'deployed' | 'shutdown' | 'enabled' | 'disabled' | 'exists' | `other ${string}`;

export interface Tracked {
  readonly kind: Kind;
  readonly id: number;
  readonly name: string;
  /** The phases it may be in: the last acknowledged one, plus those of calls in doubt. */
  phases: Set<Phase>;
  /** Users: passwords that may be current (same rule). */
  passwords: Set<string>;
  /** What was acknowledged, oldest first, for failure reports ("c3 deploy"). */
  readonly history: string[];
  /** A call is running on it (one call per entity at a time). */
  busy: boolean;
  /** A call on it is in doubt: no more calls until the next restart settles it. */
  frozen: boolean;
}

export interface Problem {
  /**
   * lost/regressed = an acknowledged write not visible; reused = an id handed
   * out twice; ghost = an entity nobody asked for. driver-failure = a VM whose
   * driver operation failed (its FAILURE is in the log, the VM went to FAILED
   * or back to RUNNING): an honest outcome, seen only when the machine is so
   * loaded that drivers miss their start-up deadline; reported, not a loss.
   */
  readonly what: 'lost' | 'regressed' | 'reused' | 'ghost' | 'driver-failure';
  readonly text: string;
}

interface Seen {
  readonly name: string;
  readonly phase: Phase;
}

export class CrashLedger {
  readonly entities = new Map<string, Tracked>();
  /** Entities calls may still change, per kind (VMs leave it once shut down). */
  private readonly open: Record<Kind, Tracked[]> = { vm: [], host: [], vnet: [], user: [] };
  /** Every id acknowledged or seen, per kind: a new allocation must not return one. */
  private readonly used: Record<Kind, Set<number>> = { vm: new Set(), host: new Set(), vnet: new Set(), user: new Set() };
  /** Names of allocations in doubt: the only entities that may appear unasked. */
  private readonly doubtfulNames: Record<Kind, Set<string>> = { vm: new Set(), host: new Set(), vnet: new Set(), user: new Set() };
  /** Users whose password changed (or may have) since the last check. */
  private readonly passwordsToCheck = new Set<Tracked>();
  readonly problems: Problem[] = [];
  acknowledged = 0;

  allocated(kind: Kind, id: number, name: string, phase: Phase, note: string, password = ''): void {
    this.acknowledged++;
    if (this.used[kind].has(id)) this.problems.push({ what: 'reused', text: `${kind}/${id} handed out again (${note}, name ${name})` });
    this.track(kind, id, name, phase, password).history.push(note);
  }

  allocationInDoubt(kind: Kind, name: string): void {
    this.doubtfulNames[kind].add(name);
  }

  /** A call on `e` returned ok: its effect is now certain. */
  acted(e: Tracked, phase: Phase, note: string, password?: string): void {
    this.acknowledged++;
    e.history.push(note);
    e.phases = new Set([phase]);
    if (password !== undefined) {
      e.passwords = new Set([password]);
      this.passwordsToCheck.add(e);
    }
  }

  /** A call on `e` got no answer: accept its effect too, and leave `e` alone until checked. */
  actionInDoubt(e: Tracked, phase: Phase, password?: string): void {
    e.phases.add(phase);
    e.frozen = true;
    if (password !== undefined) {
      e.passwords.add(password);
      this.passwordsToCheck.add(e);
    }
  }

  /** A random entity of `kind` in one of `phases` that no call is using, or undefined. */
  pick(kind: Kind, phases: readonly Phase[], rng: () => number): Tracked | undefined {
    const list = this.open[kind];
    for (let tries = 0; tries < 8 && list.length > 0; tries++) {
      const i = Math.floor(rng() * list.length);
      const e = list[i]!;
      if (e.phases.size === 1 && e.phases.has('shutdown')) {
        list[i] = list[list.length - 1]!; // finished: swap-remove
        list.pop();
        continue;
      }
      if (!e.busy && !e.frozen && e.phases.size === 1 && phases.includes([...e.phases][0]!)) return e;
    }
    return undefined;
  }

  /**
   * Compares what a freshly restarted oned shows with what was acknowledged,
   * records every difference, then takes what it shows as the new truth.
   */
  async check(one: Oned, cycle: number): Promise<void> {
    const seen = await observe(one);
    let failedDriverOps: Set<string> | undefined;
    for (const e of this.entities.values()) {
      const s = seen[e.kind].get(e.id);
      const label = `${e.kind}/${e.id} "${e.name}" (acknowledged: ${e.history.join(', ')})`;
      if (!s) this.problems.push({ what: 'lost', text: `cycle ${cycle}: ${label} is not visible` });
      else if (s.name !== e.name) this.problems.push({ what: 'regressed', text: `cycle ${cycle}: ${label} is named "${s.name}"` });
      else if (!e.phases.has(s.phase)) {
        failedDriverOps ??= await streamsWithDriverFailures(one);
        const what = e.kind === 'vm' && failedDriverOps.has(`vm/${e.id}`) ? 'driver-failure' : 'regressed';
        this.problems.push({ what, text: `cycle ${cycle}: ${label} is ${s.phase}, expected ${[...e.phases].join(' or ')}` });
      }
      if (s) e.phases = new Set([s.phase]);
      e.frozen = false;
    }
    // one.vm.info answers for the oldest and the newest VM (the "one.vm.info 0" check).
    const vms = [...this.entities.values()].filter((e) => e.kind === 'vm');
    for (const e of new Set([vms[0], vms.at(-1)])) {
      if (e && !((await one.call('one.vm.info', e.id))[0])) this.problems.push({ what: 'lost', text: `cycle ${cycle}: one.vm.info ${e.id} fails` });
    }
    for (const kind of KINDS) {
      for (const [id, s] of seen[kind]) {
        if (this.entities.has(`${kind}/${id}`)) continue;
        if (kind === 'user' && id === 0) continue; // oneadmin, bootstrapped
        if (!this.doubtfulNames[kind].delete(s.name)) this.problems.push({ what: 'ghost', text: `cycle ${cycle}: ${kind}/${id} "${s.name}" was never allocated` });
        // Committed though unanswered: it must stay from now on. A user's password is the one sent with it.
        this.track(kind, id, s.name, s.phase, kind === 'user' ? passwordFor(s.name) : '').history.push(`c${cycle} seen`);
      }
      this.doubtfulNames[kind].clear();
    }
    await this.checkPasswords(one, cycle);
  }

  /** The users whose password changed log in with exactly one of the accepted ones. */
  private async checkPasswords(one: Oned, cycle: number): Promise<void> {
    for (const e of this.passwordsToCheck) {
      const working: string[] = [];
      for (const pw of e.passwords) {
        const answer = (await one.client.call('one.vmpool.info', [sessionOf({ user: e.name, password: pw }), -1])) as [boolean];
        if (answer[0]) working.push(pw);
      }
      if (working.length !== 1) {
        this.problems.push({ what: 'regressed', text: `cycle ${cycle}: user/${e.id} "${e.name}" logs in with ${working.length} of its ${e.passwords.size} possible passwords (acknowledged: ${e.history.join(', ')})` });
      } else e.passwords = new Set(working);
    }
    this.passwordsToCheck.clear();
  }

  private track(kind: Kind, id: number, name: string, phase: Phase, password: string): Tracked {
    this.used[kind].add(id);
    const e: Tracked = { kind, id, name, phases: new Set([phase]), passwords: new Set([password]), history: [], busy: false, frozen: false };
    this.entities.set(`${kind}/${id}`, e);
    this.open[kind].push(e);
    return e;
  }
}

/** A user's first password, derived from its name so an unanswered allocation can be adopted. */
export const passwordFor = (name: string): string => `pw "${name}";$(true)`;

/** The VM streams whose log holds a failed driver operation (VmPrologFailed, VmShutdownFailed…). */
async function streamsWithDriverFailures(one: Oned): Promise<Set<string>> {
  return new Set((await allEvents(one)).filter((e) => /^Vm\w+Failed$/.test(e.event.type)).map((e) => e.stream));
}

/** Every VM (DONE included), host, network and user as oned shows them now. */
async function observe(one: Oned): Promise<Record<Kind, Map<number, Seen>>> {
  const [vms, hosts, vnets, users] = await Promise.all([
    one.ok('one.vmpool.info', -2, false, -2),
    one.ok('one.hostpool.info'),
    one.ok('one.vnpool.info', -2),
    one.ok('one.userpool.info'),
  ]);
  return {
    vm: parsePool(String(vms), 'VM', (b) => vmPhase(Number(field(b, 'STATE')), Number(field(b, 'LCM_STATE')))),
    host: parsePool(String(hosts), 'HOST', (b) => (field(b, 'STATE') === '4' ? 'disabled' : 'enabled')),
    vnet: parsePool(String(vnets), 'VNET', () => 'exists'),
    user: parsePool(String(users), 'USER', () => 'exists'),
  };
}

function vmPhase(state: number, lcm: number): Phase {
  if (state === 1) return 'pending';
  if (state === 2) return 'hold';
  if (state === 3 && [1, 2, 3].includes(lcm)) return 'deployed'; // PROLOG, BOOT, RUNNING
  if (state === 6 || (state === 3 && [11, 12].includes(lcm))) return 'shutdown'; // EPILOG, SHUTDOWN, DONE
  return `other ${state}/${lcm}`;
}

const field = (block: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(block)?.[1] ?? '';

/** `<TAG>` blocks of a pool document by ID: their first NAME (the churn's names need no unescaping) and a phase. */
function parsePool(xml: string, tag: string, phase: (block: string) => Phase): Map<number, Seen> {
  const out = new Map<number, Seen>();
  for (const m of xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))) {
    const block = m[1]!;
    out.set(Number(field(block, 'ID')), { name: field(block, 'NAME'), phase: phase(block) });
  }
  return out;
}

