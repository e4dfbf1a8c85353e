import { posix } from 'node:path';
import { withContextIso } from './context-iso.ts';
import { makeImage, makeSwap } from './disk-tools.ts';
import { copyFile, movesInto } from './file-moves.ts';
import { parseLocation, parsePath } from './location.ts';
import { pipe, run } from './place.ts';
import { checkRemovable, placeOf, type TmCommand } from './tm-context.ts';

/**
 * tm_ssh (spec §4.5): every host keeps its own VM_DIR; images travel
 * between the front-end and the hosts over ssh. A file is streamed from
 * `cat` into `dd` on the other side (host to host through the front-end,
 * as `scp -3`), a folder as a sparse-aware tar stream (file-moves.ts).
 */

/** CLONE src dst [size] (LN is the same for ssh: there is nothing to link to). SIZE is not used, as in 1.4. */
const clone: TmCommand = async ([src, dst], ctx) => {
  await copyFile(parseLocation(src, ctx.frontend), parsePath(dst, ctx.frontend), ctx);
};

const mkswap: TmCommand = async ([size, dst], ctx) => {
  const loc = parsePath(dst, ctx.frontend);
  await makeSwap(placeOf(loc, ctx), loc.path, size, ctx.signal);
};

const mkimage: TmCommand = async ([size, format, dst], ctx) => {
  const loc = parsePath(dst, ctx.frontend);
  await makeImage(placeOf(loc, ctx), loc.path, size, format, ctx.signal);
};

/**
 * MV src dst, like `scp -r src dst` then `rm -rf src` (see movesInto).
 * The same path on the same host is nothing to do, and so is a source that
 * is gone when its target is there (the MV ran before oned restarted).
 */
const mv: TmCommand = async ([srcArg, dstArg], ctx) => {
  const src = parsePath(srcArg, ctx.frontend);
  const dst = parsePath(dstArg, ctx.frontend);
  if (src.host === dst.host && src.path === dst.path) return ctx.log(`MV: ${srcArg} is already in place`);
  checkRemovable(src, [ctx.vmDir, ctx.varDir]);
  const from = placeOf(src, ctx);
  const to = placeOf(dst, ctx);
  const into = await movesInto(src.path, dst.path, (dir) => run(to, [['test', '-d', dir]], ctx.signal));
  const target = into ? posix.join(dst.path, posix.basename(src.path)) : dst.path;
  const stat = await run(from, [['stat', '-L', '-c', '%F', '--', src.path]], ctx.signal).catch(async (err: Error) => {
    // oned re-sends a transfer cut short by its restart: a move that already happened is done.
    if (await run(to, [['test', '-e', target]], ctx.signal).then(() => true, () => false)) return undefined;
    throw err;
  });
  if (stat === undefined) return ctx.log(`MV: ${srcArg} is gone and ${target} exists: moved already`);
  const kind = stat.trim();
  if (kind === 'directory') {
    const unpack = [['mkdir', '-p', '--', target], ['tar', '-C', target, '-xf', '-']];
    await pipe(from, [['tar', '-C', src.path, '-cSf', '-', '.']], to, unpack, ctx.signal);
  } else {
    await copyFile(src, { ...dst, path: target }, ctx);
  }
  await run(from, [['rm', '-rf', '--', src.path]], ctx.signal);
};

const del: TmCommand = async ([dst], ctx) => {
  const loc = parsePath(dst, ctx.frontend);
  checkRemovable(loc, [ctx.vmDir]);
  await run(placeOf(loc, ctx), [['rm', '-rf', '--', loc.path]], ctx.signal);
};

/** CONTEXT file… dst: the ISO is built on the front-end, then copied to the host. */
const context: TmCommand = async (args, ctx) => {
  const dst = parsePath(args[args.length - 1], ctx.frontend);
  await withContextIso(args.slice(0, -1), ctx.signal, (iso) =>
    copyFile({ kind: 'path', host: ctx.frontend, path: iso, local: true }, dst, ctx));
};

export const SSH_COMMANDS: Readonly<Record<string, TmCommand>> = {
  'ssh/clone': clone,
  'ssh/ln': clone,
  'ssh/mkswap': mkswap,
  'ssh/mkimage': mkimage,
  'ssh/mv': mv,
  'ssh/delete': del,
  'ssh/context': context,
};
