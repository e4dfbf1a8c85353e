/**
 * An append whose expected stream version no longer matches: another writer
 * got there first. Nothing of that append was written. It lives here, with
 * the other shared data types, because both the runtime and the store need
 * the same class (`instanceof`).
 */
export class ConcurrencyError extends Error {
  constructor(readonly stream: string, readonly expected: number, readonly actual: number) {
    super(`stream ${stream}: expected version ${expected}, found ${actual}`);
    this.name = 'ConcurrencyError';
  }
}
