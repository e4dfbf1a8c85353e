import { posix } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { mkdirFor } from './disk-tools.ts';
import type { Location, PathLocation } from './location.ts';
import { CommandFailed, pipe, runFed } from './place.ts';
import { placeOf, type TmContext } from './tm-context.ts';

/** The two moves tm_ssh and tm_nfs share. */

/** Streams a file (or an http(s) body) to `dst`, creating its folder. */
export async function copyFile(src: Location, dst: PathLocation, ctx: TmContext): Promise<void> {
  const to = placeOf(dst, ctx);
  // Whole 1 MiB blocks of zeros become holes, so a raw image stays sparse on the other side.
  const writer = [mkdirFor(dst.path), ['dd', `of=${dst.path}`, 'bs=1M', 'iflag=fullblock', 'conv=sparse', 'status=none']];
  if (src.kind === 'url') {
    const response = await fetch(src.url, { signal: ctx.signal }).catch((err: Error) => {
      throw new CommandFailed(`GET ${src.url}: ${err.message}`);
    });
    if (!response.ok || !response.body) throw new CommandFailed(`GET ${src.url}: HTTP ${response.status}`);
    await runFed(to, writer, Readable.fromWeb(response.body as ReadableStream), ctx.signal);
    return;
  }
  await pipe(placeOf(src, ctx), [['cat', '--', src.path]], to, writer, ctx.signal);
}

/**
 * Whether MV puts src inside dst, as `scp -r` into an existing folder
 * (EPILOG_STOP: `…/images` into `$VAR/<vid>`). A folder of the same name is
 * replaced instead, so that moving `images` onto a leftover `images` never
 * nests one in the other.
 */
export async function movesInto(src: string, dst: string, isFolder: (dir: string) => Promise<unknown>): Promise<boolean> {
  if (src === dst || posix.basename(src) === posix.basename(dst)) return false;
  return isFolder(dst).then(() => true, () => false);
}

