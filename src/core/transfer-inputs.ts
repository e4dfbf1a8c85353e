import { getVectors } from '../template/template-lookup.ts';
import type { Template } from '../template/template.ts';
import { CONTROL_CHARACTER } from './transfer-script-line.ts';

/** Largest DISK SIZE, in MB (4 PB), so that every tool that reads it gets an ordinary integer. */
export const MAX_DISK_SIZE_MB = 2 ** 32;

/** An absolute path on the front-end, or `scheme:…` / `host:path` (spec §9.1: a TM-specific URL has a `:`). */
const SOURCE = /^(\/|[A-Za-z0-9][A-Za-z0-9.+_-]*:)/;
/** A file-system type for mkfs -t (ext3, xfs, vfat…): one plain word that cannot pass for an option. */
const FORMAT = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/**
 * The values a VM template hands to transfer scripts and deployment files,
 * checked at one.vm.allocate (issue "Inputs stay data"). Returns what is
 * wrong, naming the attribute, or undefined when the template is fine:
 *
 * - no DISK, NIC or CONTEXT value holds a control character (U+0000–U+001F,
 *   U+007F): a script is one command per line, and no quoting survives a
 *   line break;
 * - DISK SIZE is a positive integer (MB), at most MAX_DISK_SIZE_MB;
 * - DISK SOURCE is an absolute path or a URL / `host:path`;
 * - DISK FORMAT is a plain file-system type.
 *
 * Blanks, `;`, quotes and `$(…)` are allowed: transfer-script-line.ts quotes
 * them, and deployment files are JSON.
 */
export function transferInputProblem(template: Template): string | undefined {
  for (const name of ['DISK', 'NIC', 'CONTEXT'] as const) {
    const vectors = getVectors(template, name);
    for (const [i, v] of vectors.entries()) {
      const where = name === 'CONTEXT' ? 'CONTEXT' : `${name} ${i}`;
      const bad = v.pairs.find(([, value]) => CONTROL_CHARACTER.test(value));
      if (bad) return `Error in ${where}: ${bad[0]} contains a control character`;
      if (name === 'DISK') {
        const problem = diskProblem(Object.fromEntries(v.pairs));
        if (problem) return `Error in ${where}: ${problem}`;
      }
    }
  }
  return undefined;
}

function diskProblem(disk: Readonly<Record<string, string>>): string | undefined {
  const { SIZE: size, SOURCE: source, FORMAT: format } = disk;
  // An empty value is an absent one: the transfer script leaves it out (or fails the prolog, as 1.4).
  if (size) {
    if (!/^[0-9]+$/.test(size) || Number(size) < 1) return 'SIZE must be a positive integer';
    if (Number(size) > MAX_DISK_SIZE_MB) return `SIZE must be at most ${MAX_DISK_SIZE_MB} (MB)`;
  }
  if (source && !SOURCE.test(source)) return 'SOURCE must be an absolute path or a URL';
  if (format && !FORMAT.test(format)) return 'FORMAT must be a file system type such as ext3';
  return undefined;
}
