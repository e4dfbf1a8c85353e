import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CommandFailed, localPlace, run } from './place.ts';

/** The ISO tools of Debian's genisoimage and xorriso packages, first one found wins. */
const ISO_TOOLS: readonly (readonly string[])[] = [['genisoimage'], ['xorriso', '-as', 'mkisofs']];

/**
 * CONTEXT: the given front-end files (context.sh first, then the CONTEXT
 * FILES) copied under their base names into a temporary folder, made into
 * an ISO 9660 image with Joliet and Rock Ridge names (as 1.4's `mkisofs -J
 * -R`) and volume label CONTEXT. `use` gets the image's path; the folder is
 * removed afterwards whatever happens.
 */
export async function withContextIso<T>(files: readonly string[], signal: AbortSignal, use: (iso: string) => Promise<T>): Promise<T> {
  const work = await mkdtemp(join(tmpdir(), 'one-tm-context-'));
  try {
    const content = join(work, 'content');
    await mkdir(content);
    for (const file of files) {
      if (!file.startsWith('/')) throw new CommandFailed(`context file ${JSON.stringify(file)} must be an absolute path on the front-end`);
      await cp(file, join(content, basename(file)), { recursive: true, dereference: true }).catch((err: Error) => {
        throw new CommandFailed(`cannot copy context file ${file}: ${err.message}`);
      });
    }
    const iso = join(work, 'context.iso');
    await makeIso(iso, content, signal);
    return await use(iso);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function makeIso(iso: string, content: string, signal: AbortSignal): Promise<void> {
  const missing: string[] = [];
  for (const tool of ISO_TOOLS) {
    try {
      await run(localPlace, [[...tool, '-quiet', '-o', iso, '-V', 'CONTEXT', '-J', '-R', content]], signal);
      return;
    } catch (err) {
      // Only a tool that is not installed moves on to the next one.
      if (!(err instanceof CommandFailed) || !/spawn \S+ ENOENT/.test(err.message)) throw err;
      missing.push(tool[0]);
    }
  }
  throw new CommandFailed(`no ISO tool found: install genisoimage or xorriso (tried ${missing.join(', ')})`);
}
