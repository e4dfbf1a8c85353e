import type { CliContext } from './cli-context.ts';

const CLEAR_SCREEN = '\x1b[2J\x1b[H';

/**
 * `top`: redraws a listing every --delay seconds until interrupted. When
 * stdout is not a terminal (a pipe, a file, a script), repainting would only
 * pile up screens, so it prints the listing once and returns, like `list`.
 */
export async function runTop(ctx: CliContext, render: () => Promise<string>): Promise<void> {
  if (!ctx.io.stdout.isTTY) {
    ctx.print(await render());
    return;
  }
  const sleep = ctx.io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const limit = ctx.io.topIterations ?? Number.POSITIVE_INFINITY;
  for (let screen = 1; ; screen++) {
    const text = await render();
    ctx.io.stdout.write(`${CLEAR_SCREEN}${text}\n`);
    if (screen >= limit) return;
    await sleep(ctx.options.delay * 1000);
  }
}
