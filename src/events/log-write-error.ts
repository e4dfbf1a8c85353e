/**
 * The event log could not be written: the disk is full, or SQLite failed to
 * write for another reason. Nothing of the append was stored, and no state
 * changed. Unlike a ConcurrencyError it says nothing about the command; the
 * same command may succeed once the disk has room again. It lives with the
 * shared data types because the store throws it and the XML-RPC layer
 * answers it (`instanceof`).
 */
export class LogWriteError extends Error {
  /** `reason`: what SQLite or the OS said, e.g. "database or disk is full". */
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(`Cannot write the event log: ${reason}`, options);
    this.name = 'LogWriteError';
  }

  /** Wraps whatever a write threw (a LogWriteError stays as it is). */
  static from(error: unknown): LogWriteError {
    if (error instanceof LogWriteError) return error;
    return new LogWriteError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
