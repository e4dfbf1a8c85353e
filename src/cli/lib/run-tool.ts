import { Command, CommanderError, Option } from 'commander';
import { CliContext, type CliIo, type CommonOptions } from './cli-context.ts';
import { CliError, EXIT_FAILURE } from './cli-error.ts';
import { fitToWidth } from './help-layout.ts';

export const ONE_VERSION = 'OpenNebula 1.4.0';

/** One command-line tool: its subcommands and its --list-columns text. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  register(program: Command, ctx: CliContext): void;
  /** Columns of the table the command line is about (history vs list…). */
  listColumns(argv: readonly string[]): string;
}

const commaList = (value: string, previous: string[] = []): string[] =>
  previous.concat(value.split(',').map((v) => v.trim()).filter((v) => v !== ''));

function parseDelay(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError(`--delay needs a positive number of seconds, got "${value}"`);
  return seconds;
}

function addCommonOptions(program: Command): void {
  program
    .option('-l, --list <x,y,z>', 'selects columns to display with list', commaList)
    .option('--list-columns', 'information about the columns available to display, order or filter')
    .option('-o, --order <x,y,z>', 'order by these columns, a column starting with - means decreasing order', commaList)
    .option('-f, --filter <col=value,...>', 'keep rows whose column matches value (case-insensitive regexp)', commaList)
    .addOption(new Option('-d, --delay <seconds>', 'refresh period of top').argParser(parseDelay).default(1))
    .option('-v, --verbose', 'tells more information if the command is successful')
    .option('-x, --xml', 'prints the raw XML sent by oned')
    .option('--json', 'prints the parsed document as JSON')
    .version(ONE_VERSION, '--version', 'shows version information')
    .helpOption('-h, --help', 'shows this help message');
}

/** The terminal's width for --help; commander's 80 when stdout is a pipe or a file. */
const helpWidth = (io: CliIo): number | undefined => (io.stdout.isTTY ? io.stdout.columns : undefined);

/**
 * Runs one tool over `argv` (the user's arguments only) and returns the exit
 * code: 0, or EXIT_FAILURE (255, the -1 of 1.4) with `Error: …` on stderr.
 */
export async function runTool(tool: ToolDefinition, argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command(tool.name);
  const ctx = new CliContext(io, () => program.opts<CommonOptions>());
  program
    .description(tool.description)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, 'Error: ')),
      getOutHelpWidth: () => helpWidth(io) ?? 80,
    })
    .configureHelp(fitToWidth(() => helpWidth(io)));
  addCommonOptions(program);
  tool.register(program, ctx);

  // --list-columns needs no subcommand and no oned, like in 1.4.
  if (argv.includes('--list-columns') && !argv.includes('-h') && !argv.includes('--help')) {
    ctx.print(tool.listColumns(argv));
    return 0;
  }
  if (argv.length === 0) {
    io.stdout.write(program.helpInformation());
    return EXIT_FAILURE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.failed ? EXIT_FAILURE : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_FAILURE;
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`Error: ${message}\n`);
    return EXIT_FAILURE;
  }
}

/**
 * Runs `action` once per id, reporting each failure and carrying on so that
 * one bad id in a range does not stop the rest.
 */
export async function forEachId(ctx: CliContext, ids: readonly number[], action: (id: number) => Promise<void>): Promise<void> {
  for (const id of ids) {
    try {
      await action(id);
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      ctx.printError(err.message);
    }
  }
}
