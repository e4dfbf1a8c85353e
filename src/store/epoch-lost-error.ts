import { LogWriteError } from '../events/log-write-error.ts';

/** A write found that another front-end has claimed the log since this one did: nothing was written. */
export class EpochLostError extends LogWriteError {
  constructor(readonly mine: number, readonly current: number) {
    super(`this oned lost the leadership (its epoch is ${mine}, the log's is ${current}); nothing was written`);
  }
}
