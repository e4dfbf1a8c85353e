import { CommanderError, InvalidArgumentError, type Command } from 'commander';

/** Usage errors exit 3, as oneaudit always did; oned or credential errors 255. */
export const EXIT_USAGE = 3;

/**
 * Runs a commander program (built with `exitOverride`) over `argv` and
 * gives the exit code: the action's, 0 for --help, 3 for a usage error.
 * Commander has already printed its own parse errors; an
 * InvalidArgumentError thrown by an action has not, so it is printed here.
 */
export async function parseTool(program: Command, argv: readonly string[], exitCode: () => number): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode();
  } catch (err) {
    if (err instanceof InvalidArgumentError) {
      process.stderr.write(`Error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    throw err;
  }
}

/** Runs a tool's main and sets the exit code; any other error prints `Error: …` and exits 255. */
export function runTool(main: (argv: readonly string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 255;
    },
  );
}
