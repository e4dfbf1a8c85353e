import { ChainBreakError } from '../events/chain-break-error.ts';
import type { EventLog, LogPosition, ReplayedEvent } from './ports.ts';

/**
 * The log, its checkpoint or its recorded head disagree: start-up must stop
 * rather than serve a state that is not the fold of the log. The message is
 * one line for the operator and names the seq and the stream.
 */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
}

/**
 * Checks a checkpoint before start-up trusts its snapshots: its position
 * must be in the log with the hash it recorded, and the snapshots must be
 * exactly the streams that have events up to that position, each at the
 * version the stream had there. A checkpoint that claims more than its
 * snapshots cover (the bug that lost VMs) fails the last test.
 */
export async function checkCheckpoint(log: EventLog, checkpoint: LogPosition, snapshots: ReadonlyMap<string, number>): Promise<void> {
  const tip = log.lastSeq();
  if (checkpoint.seq > tip) {
    throw new IntegrityError(`the checkpoint is at seq ${checkpoint.seq}, past the end of the log (seq ${tip})`);
  }
  if (checkpoint.seq > 0) {
    const at = await log.eventAt(checkpoint.seq);
    if (at?.hash !== checkpoint.hash) {
      throw new IntegrityError(`event ${checkpoint.seq} (${at?.stream ?? 'missing'}) does not have the hash the checkpoint recorded`);
    }
  }
  const versions = await log.streamVersionsAt(checkpoint.seq);
  for (const [stream, version] of versions) {
    const held = snapshots.get(stream);
    if (held === undefined) {
      throw new IntegrityError(`stream ${stream} has ${version} events up to the checkpoint at seq ${checkpoint.seq} but no snapshot`);
    }
    if (held !== version) {
      throw new IntegrityError(
        `the snapshot of ${stream} holds version ${held}, but at the checkpoint (seq ${checkpoint.seq}) the stream is at version ${version}`,
      );
    }
  }
  for (const stream of snapshots.keys()) {
    if (!versions.has(stream)) {
      throw new IntegrityError(`there is a snapshot of ${stream} but no event of it up to the checkpoint at seq ${checkpoint.seq}`);
    }
  }
}

/**
 * Checks the log against the head recorded outside the database at the last
 * checkpoint or clean stop. A shorter log, or another event at that seq,
 * means the database lost its tail (a truncated WAL, a restored old copy):
 * starting would hand out ids again and bootstrap users afresh.
 */
export async function checkHead(log: EventLog, head: LogPosition, headFile: string): Promise<void> {
  const tip = log.lastSeq();
  if (head.seq > tip) {
    throw new IntegrityError(
      `the log ends at seq ${tip}, but seq ${head.seq} was committed (${headFile}): the database lost its tail; ` +
        `restore it, or remove ${headFile} to accept the loss`,
    );
  }
  if (head.seq === 0) return;
  const at = await log.eventAt(head.seq);
  if (at?.hash !== head.hash) {
    throw new IntegrityError(
      `event ${head.seq} (${at?.stream ?? 'missing'}) is not the one committed there (${headFile}): the database was replaced or rewritten`,
    );
  }
}

/** The log after `from`, page by page, its hash chain verified as it streams; a break stops start-up. */
export async function* verifiedReplay(log: EventLog, from: LogPosition): AsyncIterable<readonly ReplayedEvent[]> {
  try {
    yield* log.replay(from);
  } catch (e) {
    if (e instanceof ChainBreakError) throw new IntegrityError(e.message);
    throw e;
  }
}
