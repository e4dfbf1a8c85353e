import { TRANSFER_COMMANDS, type TransferCommand } from '../../core/transfer-script-line.ts';
import type { TmCommand } from './tm-context.ts';

export type CommandSet = Partial<Record<TransferCommand, TmCommand>>;

/**
 * A command set file (etc/tm_ssh/tm_ssh.conf, etc/tm_nfs/tm_nfs.conf):
 * `COMMAND = implementation` lines, `#` comments. Implementations are the
 * built-in ones (`ssh/clone`, `nfs/ln`, …, `dummy` for a no-op); 1.4's
 * script names (`ssh/tm_clone.sh`) name the same ones, so a 1.4 file reads
 * as it is. A command left out fails the lines that use it, as in 1.4.
 */
export function parseCommandSet(text: string, implementations: Readonly<Record<string, TmCommand>>): { set: CommandSet; errors: string[] } {
  const set: CommandSet = {};
  const errors: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_]+)\s*=\s*"?([^"\s]+)"?$/.exec(line);
    if (!m) {
      errors.push(`line ${i + 1}: expected COMMAND = implementation`);
      continue;
    }
    const command = m[1].toUpperCase();
    const name = m[2].replace(/^(\w+\/)tm_/, '$1').replace(/\.sh$/, '').replace(/^dummy\/dummy$/, 'dummy');
    if (!Object.hasOwn(TRANSFER_COMMANDS, command)) errors.push(`line ${i + 1}: unknown command ${command}`);
    else if (!Object.hasOwn(implementations, name)) errors.push(`line ${i + 1}: unknown implementation ${m[2]} (known: ${Object.keys(implementations).join(', ')})`);
    else set[command as TransferCommand] = implementations[name];
  }
  return { set, errors };
}
