/** Flags shared by the driver programs (2.2+ style, spec §4.8): `-t threads`, `-r retries`, `-d dir`. */
export interface DriverArgs {
  readonly threads: number;
  readonly retries: number;
  readonly positional: readonly string[];
}

export const DEFAULT_THREADS = 15;

/**
 * ARGUMENTS reach the wrapper as one string that bash re-splits; here we get
 * the pieces. Unknown flags are kept as positionals so the driver can decide.
 */
export function parseDriverArgs(argv: readonly string[]): DriverArgs | { error: string } {
  let threads = DEFAULT_THREADS;
  let retries = 0;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-t' || arg === '-r') {
      const value = argv[i + 1];
      i += 1;
      if (value === undefined || !/^\d{1,6}$/.test(value)) return { error: `${arg} needs a whole number, got ${value ?? 'nothing'}` };
      if (arg === '-t') threads = Math.max(1, Number(value));
      else retries = Number(value);
    } else {
      positional.push(arg);
    }
  }
  return { threads, retries, positional };
}
