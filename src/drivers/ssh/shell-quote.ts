/** One argument for a POSIX shell, single-quoted so that nothing in it is interpreted. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export const shellCommand = (argv: readonly string[]): string => argv.map(shellQuote).join(' ');
