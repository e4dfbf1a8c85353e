import { formatTransferLine, type TransferLine } from '../../core/transfer-script-line.ts';
import type { ActionOutcome } from '../driver-base.ts';
import type { CommandSet } from './tm-conf.ts';
import type { TmContext } from './tm-context.ts';

/**
 * Runs a transfer script's lines in order (spec §4.5). The first line that
 * fails stops the script: the answer is FAILURE with that line's text and
 * the error of the program that failed (its stderr), so the VM log says
 * exactly which step broke.
 */
export async function runTransferLines(lines: readonly TransferLine[], commands: CommandSet, ctx: TmContext): Promise<ActionOutcome> {
  for (const line of lines) {
    const formatted = formatTransferLine(line);
    const text = formatted.ok ? formatted.text : line.command;
    const command = commands[line.command];
    if (!command) return { result: 'FAILURE', info: `${text}: ${line.command} not found in the command set` };
    ctx.log(`Running ${text}`);
    try {
      await command(line.args, ctx);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return { result: 'FAILURE', info: `${text}: ${why}` };
    }
  }
  return { result: 'SUCCESS' };
}
