/**
 * The TM script oned writes before each TRANSFER (spec §4.5), as pure text.
 * Paths follow §9.3: `<VM_DIR>/<vid>/images/disk.<i>` on the host,
 * `$VAR/<vid>/…` on the front-end.
 */

import type { TmAction } from '../machines/vm/vm-types.ts';

export type TransferAction = TmAction;

export const TRANSFER_SUFFIX: Record<TransferAction, string> = {
  PROLOG: 'prolog',
  PROLOG_MIGR: 'migrate',
  PROLOG_RESUME: 'resume',
  EPILOG: 'epilog',
  EPILOG_STOP: 'stop',
  EPILOG_DELETE: 'delete',
  EPILOG_DELETE_PREVIOUS: 'delete_prev',
};

export interface TransferInput {
  readonly action: TransferAction;
  readonly vid: number;
  readonly hostname: string;
  readonly prevHostname?: string;
  /** VM_DIR recorded in the history record (the path on the hosts). */
  readonly vmDir: string;
  /** oned's var dir (the path on the front-end). */
  readonly varDir: string;
  /** oned's own host name, as gethostname() gives it. */
  readonly frontend: string;
  /** DISK vectors in template order, sub-attribute names upper-case. */
  readonly disks: ReadonlyArray<Readonly<Record<string, string>>>;
  /** Path of context.sh and the CONTEXT FILES, when the VM has a CONTEXT. */
  readonly context?: { readonly script: string; readonly files: readonly string[] };
}

export type TransferScript = { ok: true; text: string; warnings: string[] } | { ok: false; message: string };

export function transferScript(input: TransferInput): TransferScript {
  const { vid, hostname, vmDir, varDir, frontend } = input;
  const images = (host: string) => `${host}:${vmDir}/${vid}/images`;
  const disk = (i: number) => `${images(hostname)}/disk.${i}`;
  const lines: string[] = [];
  const warnings: string[] = [];

  switch (input.action) {
    case 'PROLOG': {
      for (const [i, d] of input.disks.entries()) {
        const type = (d.TYPE ?? '').toLowerCase();
        if (type === 'swap') {
          if (d.SIZE) lines.push(`MKSWAP ${d.SIZE} ${disk(i)}`);
          else warnings.push(`Swap disk ${i} has no SIZE, skipped`);
        } else if (type === 'fs') {
          if (d.SIZE && d.FORMAT) lines.push(`MKIMAGE ${d.SIZE} ${d.FORMAT} ${disk(i)}`);
          else warnings.push(`Filesystem disk ${i} needs SIZE and FORMAT, skipped`);
        } else {
          if (!d.SOURCE) return { ok: false, message: `DISK ${i} has no SOURCE` };
          const verb = (d.CLONE ?? 'yes').toLowerCase() === 'no' ? 'LN' : 'CLONE';
          const src = d.SOURCE.includes(':') ? d.SOURCE : `${frontend}:${d.SOURCE}`;
          lines.push([verb, src, disk(i), d.SIZE].filter(Boolean).join(' '));
        }
      }
      if (input.context) {
        lines.push(['CONTEXT', input.context.script, ...input.context.files, disk(input.disks.length)].join(' '));
      }
      break;
    }
    case 'PROLOG_MIGR':
      lines.push(`MV ${images(input.prevHostname ?? hostname)} ${images(hostname)}`);
      break;
    case 'PROLOG_RESUME':
      lines.push(`MV ${frontend}:${varDir}/${vid}/images ${images(hostname)}`);
      break;
    case 'EPILOG':
      for (const [i, d] of input.disks.entries()) {
        if ((d.SAVE ?? '').toLowerCase() === 'yes') lines.push(`MV ${disk(i)} ${frontend}:${varDir}/${vid}/disk.${i}`);
      }
      lines.push(`DELETE ${images(hostname)}`);
      break;
    case 'EPILOG_STOP':
      lines.push(`MV ${images(hostname)} ${frontend}:${varDir}/${vid}`);
      break;
    case 'EPILOG_DELETE':
      lines.push(`DELETE ${images(hostname)}`);
      break;
    case 'EPILOG_DELETE_PREVIOUS':
      lines.push(`DELETE ${images(input.prevHostname ?? hostname)}`);
      break;
  }
  return { ok: true, text: lines.join('\n') + '\n', warnings };
}
