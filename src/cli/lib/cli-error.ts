/**
 * A failure the user should read: printed as `Error: <message>` and the
 * process exits with EXIT_FAILURE. 1.4 exited with -1, which the shell sees
 * as 255; we keep 255 so scripts written for 1.4 still work.
 */
export const EXIT_FAILURE = 255;

export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly errorCode?: number) {
    super(message);
  }
}
