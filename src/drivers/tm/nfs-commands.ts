import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { withContextIso } from './context-iso.ts';
import { makeImage, makeSwap, mkdirFor } from './disk-tools.ts';
import { frontendPath, parseLocation, parsePath, type PathLocation } from './location.ts';
import { localPlace, run } from './place.ts';
import { copyFile, movesInto } from './file-moves.ts';
import { checkRemovable, type TmCommand, type TmContext } from './tm-context.ts';

/**
 * tm_nfs (spec §4.5): the hosts mount the front-end's var dir at VM_DIR, so
 * every command runs on the front-end, on the file a host path stands for
 * (location.ts frontendPath). Nothing goes over ssh.
 */

const shared = (loc: PathLocation, ctx: TmContext): string => frontendPath(loc.path, ctx.vmDir, ctx.varDir);
const onFrontend = (path: string, ctx: TmContext): PathLocation => ({ kind: 'path', host: ctx.frontend, path, local: true });

/** CLONE src dst [size]: a copy on the shared folder (an http(s) source is downloaded into it). */
const clone: TmCommand = async ([srcArg, dstArg], ctx) => {
  const src = parseLocation(srcArg, ctx.frontend);
  const dst = shared(parsePath(dstArg, ctx.frontend), ctx);
  if (src.kind === 'url') return copyFile(src, onFrontend(dst, ctx), ctx);
  await run(localPlace, [mkdirFor(dst), ['cp', '--', src.path, dst]], ctx.signal);
};

/** LN src dst [size]: the VM uses the image in place, through a symbolic link. */
const ln: TmCommand = async ([srcArg, dstArg], ctx) => {
  const src = parseLocation(srcArg, ctx.frontend);
  if (src.kind === 'url') return clone([srcArg, dstArg], ctx);
  const dst = shared(parsePath(dstArg, ctx.frontend), ctx);
  await run(localPlace, [mkdirFor(dst), ['ln', '-sfn', '--', src.path, dst]], ctx.signal);
};

const mkswap: TmCommand = async ([size, dst], ctx) => makeSwap(localPlace, shared(parsePath(dst, ctx.frontend), ctx), size, ctx.signal);

const mkimage: TmCommand = async ([size, format, dst], ctx) =>
  makeImage(localPlace, shared(parsePath(dst, ctx.frontend), ctx), size, format, ctx.signal);

/**
 * MV src dst: on shared storage the files usually are in place already
 * (stop, resume and migration name the same folder); a saved disk moves
 * from the VM folder to `$VAR/<vid>` with mv (into dst as movesInto says).
 */
const mv: TmCommand = async ([srcArg, dstArg], ctx) => {
  const srcLoc = parsePath(srcArg, ctx.frontend);
  const src = shared(srcLoc, ctx);
  const dst = shared(parsePath(dstArg, ctx.frontend), ctx);
  const into = await movesInto(src, dst, (dir) => run(localPlace, [['test', '-d', dir]], ctx.signal));
  const target = into ? posix.join(dst, posix.basename(src)) : dst;
  if (target === src || dst === src) return ctx.log(`MV: ${srcArg} is already in place on the shared folder`);
  // oned re-sends a transfer cut short by its restart: a move that already happened is done.
  if (!existsSync(src) && existsSync(target)) return ctx.log(`MV: ${srcArg} is gone and ${target} exists: moved already`);
  checkRemovable(srcLoc, [ctx.vmDir, ctx.varDir]);
  await run(localPlace, [mkdirFor(target), ['mv', '-f', '-T', '--', src, target]], ctx.signal);
};

const del: TmCommand = async ([dst], ctx) => {
  const loc = parsePath(dst, ctx.frontend);
  checkRemovable(loc, [ctx.vmDir]);
  await run(localPlace, [['rm', '-rf', '--', shared(loc, ctx)]], ctx.signal);
};

const context: TmCommand = async (args, ctx) => {
  const dst = shared(parsePath(args[args.length - 1], ctx.frontend), ctx);
  await withContextIso(args.slice(0, -1), ctx.signal, async (iso) => {
    await run(localPlace, [mkdirFor(dst), ['cp', '--', iso, dst]], ctx.signal);
  });
};

export const NFS_COMMANDS: Readonly<Record<string, TmCommand>> = {
  'nfs/clone': clone,
  'nfs/ln': ln,
  'nfs/mkswap': mkswap,
  'nfs/mkimage': mkimage,
  'nfs/mv': mv,
  'nfs/delete': del,
  'nfs/context': context,
};
