import { readFileSync } from 'node:fs';
import type { CliContext } from './cli-context.ts';
import { CliError } from './cli-error.ts';

/** After a create: `ID: <n>` with -v, `{"ID": n}` with --json, nothing otherwise. */
export function printAllocated(ctx: CliContext, id: number): void {
  if (ctx.options.json) ctx.print(JSON.stringify({ ID: id }));
  else ctx.verbose(`ID: ${id}`);
}

/** `onevm create <file>`, `onevnet create <file>`: sends the template file to an allocate method. */
export async function allocateFromFile(ctx: CliContext, method: string, file: string): Promise<void> {
  let template: string;
  try {
    template = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read template file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  printAllocated(ctx, await ctx.client.callId(method, template));
}
