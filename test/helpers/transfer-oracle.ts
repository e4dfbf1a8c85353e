import type { TransferLine } from '../../src/core/transfer-script-line.ts';

/**
 * The transfer-input rules and PROLOG lines, restated from the README and
 * spec §4.5 independently of src/, for the property tests to compare with.
 */

const CONTROL = /[\x00-\x1f\x7f]/;

/** Why oned must refuse these values at one.vm.allocate, or undefined. */
export function transferRefusal(disks: readonly Record<string, string>[], otherValues: readonly string[]): string | undefined {
  const values = [...disks.flatMap((d) => Object.values(d)), ...otherValues];
  if (values.some((v) => CONTROL.test(v))) return 'a control character';
  for (const { SIZE, SOURCE, FORMAT } of disks) {
    if (SIZE && (!/^[0-9]+$/.test(SIZE) || Number(SIZE) < 1 || Number(SIZE) > 2 ** 32)) return `SIZE ${JSON.stringify(SIZE)}`;
    if (SOURCE && !/^(\/|[A-Za-z0-9][A-Za-z0-9.+_-]*:)/.test(SOURCE)) return `SOURCE ${JSON.stringify(SOURCE)}`;
    if (FORMAT && !/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(FORMAT)) return `FORMAT ${JSON.stringify(FORMAT)}`;
  }
  return undefined;
}

/**
 * The PROLOG lines for these DISK values (every plain disk has a SOURCE);
 * with a CONTEXT, its line last: context.sh, the blank-separated FILES, the
 * ISO as the disk after the last DISK.
 */
export function intendedProlog(
  disks: readonly Record<string, string>[],
  at: { vid: number; host: string; vmDir: string; frontend: string },
  context?: { script: string; files?: string },
): TransferLine[] {
  const lines: TransferLine[] = [];
  disks.forEach((d, i) => {
    const dst = `${at.host}:${at.vmDir}/${at.vid}/images/disk.${i}`;
    const type = (d.TYPE ?? '').toLowerCase();
    if (type === 'swap') {
      if (d.SIZE) lines.push({ command: 'MKSWAP', args: [d.SIZE, dst] });
    } else if (type === 'fs') {
      if (d.SIZE && d.FORMAT) lines.push({ command: 'MKIMAGE', args: [d.SIZE, d.FORMAT, dst] });
    } else {
      const src = d.SOURCE!.includes(':') ? d.SOURCE! : `${at.frontend}:${d.SOURCE}`;
      lines.push({ command: (d.CLONE ?? 'yes').toLowerCase() === 'no' ? 'LN' : 'CLONE', args: [src, dst, ...(d.SIZE ? [d.SIZE] : [])] });
    }
  });
  if (context) {
    const files = (context.files ?? '').split(/[ \t]+/).filter((f) => f !== '');
    lines.push({ command: 'CONTEXT', args: [context.script, ...files, `${at.host}:${at.vmDir}/${at.vid}/images/disk.${disks.length}`] });
  }
  return lines;
}
