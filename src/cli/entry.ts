import { createInterface } from 'node:readline';
import type { CliIo } from './lib/cli-context.ts';
import { runTool, type ToolDefinition } from './lib/run-tool.ts';
import { onehost } from './onehost.ts';
import { oneuser } from './oneuser.ts';
import { onevm } from './onevm.ts';
import { onevnet } from './onevnet.ts';

/** The one module the bin/ scripts load (bundled), whichever tool they are. */
export const TOOLS: Readonly<Record<string, ToolDefinition>> = { onevm, onehost, onevnet, oneuser };

function readLineFromStdin(): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin });
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!answered) resolve('');
    });
  });
}

export function processIo(): CliIo {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr, readLine: readLineFromStdin };
}

/** Runs tool `name` with the process's arguments and sets the exit code. */
export async function runCli(name: string, argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const tool = TOOLS[name];
  if (!tool) {
    process.stderr.write(`Error: unknown tool ${name}\n`);
    process.exitCode = 255;
    return;
  }
  // A closed pipe (`onevm list | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  process.exitCode = await runTool(tool, argv, processIo());
}
