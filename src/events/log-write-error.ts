/**
 * The event log could not be written: the disk is full, or SQLite failed to
 * write for another reason. Nothing of the append was stored, and no state
 * changed. Unlike a ConcurrencyError it says nothing about the command; the
 * same command may succeed once the disk has room again. It lives with the
 * shared data types because the store throws it and the XML-RPC layer
 * answers it (`instanceof`).
 */
export class LogWriteError extends Error {
  /** The cause's code when it has one (SQLITE_FULL, SQLITE_BUSY, SQLITE_IOERR_WRITE…). */
  readonly code: string | undefined;

  /** `reason`: what SQLite or the OS said, e.g. "database or disk is full". */
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(`Cannot write the event log: ${reason}`, options);
    this.name = 'LogWriteError';
    const code = (options?.cause as { code?: unknown } | undefined)?.code;
    this.code = typeof code === 'string' ? code : undefined;
  }

  /** Wraps whatever a write threw (a LogWriteError stays as it is). */
  static from(error: unknown): LogWriteError {
    if (error instanceof LogWriteError) return error;
    return new LogWriteError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
