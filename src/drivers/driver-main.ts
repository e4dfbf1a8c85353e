import { DriverBase, type ActionSpec } from './driver-base.ts';
import { parseDriverArgs, type DriverArgs } from './driver-args.ts';

/**
 * Entry point shared by the driver programs: parse `-t`/`-r`, build the
 * action table (a `build` that throws rejects INIT with its message), run
 * until FINALIZE or EOF, then exit (which also drops any lingering ssh
 * sockets).
 */
export async function driverMain(build: (args: DriverArgs) => Readonly<Record<string, ActionSpec>>): Promise<never> {
  // oned went away: nobody is left to read our replies.
  process.stdout.on('error', () => process.exit(0));
  const parsed = parseDriverArgs(process.argv.slice(2));
  let actions: Readonly<Record<string, ActionSpec>> | undefined;
  let problem = 'error' in parsed ? parsed.error : undefined;
  try {
    if (!('error' in parsed)) actions = build(parsed);
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err); // a driver's own bad arguments
  }
  if ('error' in parsed || actions === undefined) {
    // Answer INIT with FAILURE so oned logs why this driver was rejected.
    process.stdin.once('data', () => process.stdout.write(`INIT FAILURE - ${problem}\n`, () => process.exit(1)));
    return new Promise<never>(() => undefined);
  }
  const base = new DriverBase({ actions, concurrency: parsed.threads });
  await base.run();
  process.exit(0);
}
