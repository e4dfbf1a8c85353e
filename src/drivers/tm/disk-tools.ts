import { posix } from 'node:path';
import { MAX_DISK_SIZE_MB } from '../../core/transfer-inputs.ts';
import { CommandFailed, run, type Place } from './place.ts';

/** Formats qemu-img creates; any other FORMAT is a file system for mkfs (1.4's MKIMAGE). */
const IMAGE_FORMATS = new Set(['raw', 'qcow2', 'qcow', 'qed', 'vdi', 'vmdk', 'vpc', 'vhdx']);
/** One plain word that cannot pass for an option (the same rule as DISK FORMAT at allocation). */
const FS_TYPE = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/** SIZE in MB, as the script carries it. */
export function sizeMb(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text) || Number(text) > MAX_DISK_SIZE_MB) {
    throw new CommandFailed(`size ${JSON.stringify(text)} must be a whole number of MB from 1 to ${MAX_DISK_SIZE_MB}`);
  }
  return Number(text);
}

/** The command that creates a file's folder, first in every step that writes a file. */
export const mkdirFor = (path: string): string[] => ['mkdir', '-p', '--', posix.dirname(path)];

/** MKSWAP: a sparse file of `size` MB with a swap signature. */
export async function makeSwap(place: Place, path: string, size: string, signal: AbortSignal): Promise<void> {
  const mb = sizeMb(size);
  await run(place, [mkdirFor(path), ['truncate', '-s', `${mb}M`, '--', path], ['mkswap', path]], signal);
}

/**
 * MKIMAGE: `qcow2`, `raw` and the other qemu-img formats make an empty
 * image of that format; anything else is a file system type, made on a
 * sparse raw file with mkfs (`-F` for the ext family, which otherwise asks
 * before writing to a file that is not a block device).
 */
export async function makeImage(place: Place, path: string, size: string, format: string, signal: AbortSignal): Promise<void> {
  const mb = sizeMb(size);
  const fmt = format.toLowerCase();
  if (!FS_TYPE.test(fmt)) throw new CommandFailed(`format ${JSON.stringify(format)} is not a plain word such as qcow2, raw or ext4`);
  const make = IMAGE_FORMATS.has(fmt)
    ? [['qemu-img', 'create', '-q', '-f', fmt, path, `${mb}M`]]
    : [['truncate', '-s', `${mb}M`, '--', path], ['mkfs', '-t', fmt, ...(/^ext[234]$/.test(fmt) ? ['-F', '-q'] : []), path]];
  await run(place, [mkdirFor(path), ...make], signal);
}
