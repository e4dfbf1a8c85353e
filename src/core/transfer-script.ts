/**
 * The TM script oned writes before each TRANSFER (spec §4.5), as pure text.
 * Paths follow §9.3: `<VM_DIR>/<vid>/images/disk.<i>` on the host,
 * `$VAR/<vid>/…` on the front-end. Lines are written in the quoted form of
 * transfer-script-line.ts, which a TM driver reads back argument for argument.
 */

import type { TmAction } from '../machines/vm/vm-types.ts';
import { formatTransferLine, type TransferCommand, type TransferLine } from './transfer-script-line.ts';

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
  const lines: TransferLine[] = [];
  const warnings: string[] = [];
  const line = (command: TransferCommand, ...args: string[]) => lines.push({ command, args });

  switch (input.action) {
    case 'PROLOG': {
      for (const [i, d] of input.disks.entries()) {
        const type = (d.TYPE ?? '').toLowerCase();
        if (type === 'swap') {
          if (d.SIZE) line('MKSWAP', d.SIZE, disk(i));
          else warnings.push(`Swap disk ${i} has no SIZE, skipped`);
        } else if (type === 'fs') {
          if (d.SIZE && d.FORMAT) line('MKIMAGE', d.SIZE, d.FORMAT, disk(i));
          else warnings.push(`Filesystem disk ${i} needs SIZE and FORMAT, skipped`);
        } else {
          if (!d.SOURCE) return { ok: false, message: `DISK ${i} has no SOURCE` };
          const verb = (d.CLONE ?? 'yes').toLowerCase() === 'no' ? 'LN' : 'CLONE';
          const src = d.SOURCE.includes(':') ? d.SOURCE : `${frontend}:${d.SOURCE}`;
          line(verb, src, disk(i), ...(d.SIZE ? [d.SIZE] : []));
        }
      }
      if (input.context) line('CONTEXT', input.context.script, ...input.context.files, disk(input.disks.length));
      break;
    }
    case 'PROLOG_MIGR':
      line('MV', images(input.prevHostname ?? hostname), images(hostname));
      break;
    case 'PROLOG_RESUME':
      line('MV', `${frontend}:${varDir}/${vid}/images`, images(hostname));
      break;
    case 'EPILOG':
      for (const [i, d] of input.disks.entries()) {
        if ((d.SAVE ?? '').toLowerCase() === 'yes') line('MV', disk(i), `${frontend}:${varDir}/${vid}/disk.${i}`);
      }
      line('DELETE', images(hostname));
      break;
    case 'EPILOG_STOP':
      line('MV', images(hostname), `${frontend}:${varDir}/${vid}`);
      break;
    case 'EPILOG_DELETE':
      line('DELETE', images(hostname));
      break;
    case 'EPILOG_DELETE_PREVIOUS':
      line('DELETE', images(input.prevHostname ?? hostname));
      break;
  }
  const texts: string[] = [];
  for (const l of lines) {
    // A value allocated before the input rules existed may still hold a line break: fail, never write it.
    const formatted = formatTransferLine(l);
    if (!formatted.ok) return { ok: false, message: `Cannot write the ${input.action} transfer script: ${formatted.message}` };
    texts.push(formatted.text);
  }
  return { ok: true, text: texts.join('\n') + '\n', warnings };
}
