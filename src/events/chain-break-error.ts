/**
 * The log's hash chain does not hold at `seq`: a row was edited, deleted or
 * moved behind the writer's back. Thrown by the store's verifying replay; the
 * runtime turns it into a start-up refusal. Lives here, like
 * ConcurrencyError, because the store and the runtime share the class.
 */
export class ChainBreakError extends Error {
  constructor(readonly seq: number, readonly stream: string | undefined, readonly reason: string) {
    super(`hash chain broken at event ${seq}${stream ? ` (${stream})` : ''}: ${reason}`);
    this.name = 'ChainBreakError';
  }
}
