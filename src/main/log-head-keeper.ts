import type { ActorSystem } from '../actors/actor-system.ts';
import type { EventLog, LogPosition, Logger } from '../actors/ports.ts';
import { IntegrityError, checkHead } from '../actors/startup-integrity.ts';
import { readLogHead, writeLogHead } from '../store/log-head.ts';

/**
 * Keeps `var/one.head`, the log's last committed position recorded outside
 * the database, and uses it at start-up: the log is checked against the
 * head and the actors are rebuilt (which checks the checkpoint and the hash
 * chain), then the head moves up to the verified tip.
 */
export class LogHeadKeeper {
  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  /** A head that cannot be written (a full disk) only lags: it still names a committed event. */
  record(position: LogPosition): void {
    try {
      writeLogHead(this.file, position);
    } catch (e) {
      this.logger.log('ONE', 'E', `Could not record the log head in ${this.file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Rebuilds every actor from a log that agrees with its head; throws IntegrityError (one line for the operator) otherwise. */
  async rebuild(system: ActorSystem, log: EventLog, options: { rebuild: boolean }): Promise<{ events: number; actors: number }> {
    try {
      const head = readLogHead(this.file);
      if (head) await checkHead(log, head, this.file);
      const result = await system.rehydrate(options);
      this.record(log.tip());
      return result;
    } catch (e) {
      if (e instanceof IntegrityError) throw new IntegrityError(`${e.message}. See oned --rebuild in the README.`);
      throw e;
    }
  }
}
