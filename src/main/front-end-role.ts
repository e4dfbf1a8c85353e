import { writeFileSync } from 'node:fs';
import type { Subscription } from 'rxjs';
import type { ActorSystem } from '../actors/actor-system.ts';
import type { Logger } from '../actors/ports.ts';
import { ErrorCode, domainError } from '../events/domain-error.ts';
import type { PostgresEventLog } from '../store/postgres-event-log.ts';
import type { Leadership } from './pg-leadership.ts';

const POLL_MS = 500;

export interface RoleDeps {
  readonly log: PostgresEventLog;
  readonly system: ActorSystem;
  readonly leadership: Leadership;
  /** This front-end's XML-RPC endpoint, recorded in the log when it leads. */
  readonly endpoint: string;
  readonly logger: Logger;
  /** var/oned.role: `leader` or `standby <leader endpoint>`, for `one status`. */
  readonly roleFile: string;
  /** Starts what only the leader runs (drivers, reconcile, monitoring, timers). */
  readonly lead: () => Promise<void>;
  /** This front-end lost the leadership to another: stop without writing anything more. */
  readonly stepDown: (reason: string) => void;
}

/**
 * Leader or standby, for front-ends sharing one PostgreSQL database. The
 * leader holds the lock (Leadership) and has claimed the log's epoch. A
 * standby follows the log into its actors, answers reads, refuses every
 * write naming the leader, and polls the lock; when it gets it, it catches
 * up, claims a new epoch and starts leading (reconcile included), which is
 * the takeover. A leader whose lock session ends tries to take the lock
 * back under the same epoch (a connection blip, PostgreSQL restarted); if
 * another front-end claimed the log meanwhile, it steps down.
 */
export class FrontEndRole {
  role: 'leader' | 'standby' = 'standby';
  private epoch = 0;
  private leaderEndpoint = '';
  private following: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: RoleDeps) {}

  /** Leads at once if the lock is free, else starts as a standby. */
  async start(): Promise<void> {
    const { log, system, logger } = this.deps;
    // Follow from what the start-up fold covered: whatever another front-end
    // committed since (or commits until this one leads) reaches the actors.
    this.following = log.follow(system.applied()).subscribe((event) => system.applyFollowed(event));
    if (await this.deps.leadership.tryAcquire()) return this.becomeLeader(false);
    log.followOnly();
    system.refuseWrites(() =>
      domainError(ErrorCode.INTERNAL, `This oned is a standby; send writes to the leader at ${this.leaderEndpoint || '(unknown)'}`),
    );
    await log.syncTip();
    await this.refreshLeader();
    logger.log('ONE', 'I', `Standby: following the log; the leader is at ${this.leaderEndpoint || '(unknown)'}`);
    this.poll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.following?.unsubscribe();
  }

  /** Gives the lock up (after the log is closed, so a standby takes over from a complete log). */
  release(): Promise<void> {
    return this.deps.leadership.release();
  }

  /** Called when the lock session ended. */
  lost(reason: string): void {
    if (this.role !== 'leader' || this.stopped) return;
    this.deps.logger.log('ONE', 'W', `Leader lock lost (${reason}); taking it back unless another front-end took over`);
    const retry = async (): Promise<void> => {
      if (this.stopped) return;
      const current = await this.deps.log.leader().catch(() => undefined);
      if (current && current.epoch !== this.epoch) return this.deps.stepDown(`the leader is now ${current.endpoint} (epoch ${current.epoch})`);
      if (current && (await this.deps.leadership.tryAcquire())) {
        // Taken back: still ours only if nobody claimed the log in between.
        if (await this.deps.log.resume(this.epoch)) return this.deps.logger.log('ONE', 'I', `Leader lock taken back (epoch ${this.epoch})`);
        return this.deps.stepDown('another front-end claimed the log while the lock was away');
      }
      this.timer = setTimeout(() => void retry(), POLL_MS);
    };
    void retry();
  }

  private poll(): void {
    this.timer = setTimeout(async () => {
      if (this.stopped) return;
      if (await this.deps.leadership.tryAcquire()) return this.becomeLeader(true);
      await this.refreshLeader();
      this.poll();
    }, POLL_MS);
  }

  private async becomeLeader(takeover: boolean): Promise<void> {
    const { log, system, logger } = this.deps;
    const started = Date.now();
    this.epoch = await log.claim(this.deps.endpoint); // reads the log to its end first
    // Every event up to the tip reaches the actors before this front-end writes.
    for (const until = Date.now() + 30_000; system.applied() < log.lastSeq(); ) {
      if (Date.now() > until) throw new Error(`the actors stopped at seq ${system.applied()}, the log is at ${log.lastSeq()}`);
      await new Promise((r) => setImmediate(r));
    }
    this.following?.unsubscribe();
    this.following = undefined;
    system.refuseWrites(undefined);
    this.role = 'leader';
    this.leaderEndpoint = this.deps.endpoint;
    writeFileSync(this.deps.roleFile, 'leader\n');
    logger.log('ONE', 'I', `${takeover ? 'Took over as' : 'Running as'} the leader (epoch ${this.epoch}) at ${this.deps.endpoint}`);
    await this.deps.lead();
    if (takeover) logger.log('ONE', 'I', `Takeover done in ${Date.now() - started} ms after getting the lock`);
  }

  private async refreshLeader(): Promise<void> {
    const leader = await this.deps.log.leader().catch(() => undefined);
    if (!leader) return;
    this.leaderEndpoint = leader.endpoint;
    writeFileSync(this.deps.roleFile, `standby ${leader.endpoint}\n`);
  }
}
