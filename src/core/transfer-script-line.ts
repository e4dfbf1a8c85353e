import { quoteWord, splitWords } from '../inputs/shell-words.ts';

/**
 * One line of a transfer script (spec §4.5): `COMMAND arg …`. This file is
 * both sides of that format: oned writes lines with `formatTransferLine`,
 * and a TM driver reads them back with `parseTransferScript`.
 *
 * The quoted form: each argument is one POSIX-shell word. Plain arguments
 * (letters, digits and `_ / . : @ % + = , -`) are written as they are, so
 * ordinary scripts read exactly as in 1.4; any other argument is single-quoted
 * (`'a b;c'`, a `'` written as `'\''`). Reading splits the line the way sh
 * would, without any expansion, so every argument comes back whole: a blank,
 * `;`, `$(…)` or a quote inside a value never adds or merges arguments.
 * A line break cannot be quoted in a line-per-command file, so an argument
 * with a control character is refused when writing (and oned refuses such
 * values at one.vm.allocate already).
 */

/** How many arguments each command takes (min, max). */
export const TRANSFER_COMMANDS = {
  CLONE: [2, 3],
  LN: [2, 3],
  MKSWAP: [2, 2],
  MKIMAGE: [3, 3],
  MV: [2, 2],
  DELETE: [1, 1],
  CONTEXT: [2, Number.MAX_SAFE_INTEGER],
} as const satisfies Record<string, readonly [number, number]>;

export type TransferCommand = keyof typeof TRANSFER_COMMANDS;

export interface TransferLine {
  readonly command: TransferCommand;
  readonly args: readonly string[];
}

/** C0 controls and DEL: nothing a script line can hold. */
export const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

const isCommand = (word: string): word is TransferCommand => Object.hasOwn(TRANSFER_COMMANDS, word);

function arityProblem(command: TransferCommand, count: number): string | undefined {
  const [min, max] = TRANSFER_COMMANDS[command];
  if (count >= min && count <= max) return undefined;
  const wanted = min === max ? `${min}` : max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `${min} to ${max}`;
  return `${command} takes ${wanted} arguments, got ${count}`;
}

/** The text of one line, or why it cannot be written. */
export function formatTransferLine(line: TransferLine): { ok: true; text: string } | { ok: false; message: string } {
  const arity = arityProblem(line.command, line.args.length);
  if (arity) return { ok: false, message: arity };
  const bad = line.args.findIndex((a) => CONTROL_CHARACTER.test(a));
  if (bad >= 0) return { ok: false, message: `${line.command} argument ${bad + 1} contains a control character` };
  return { ok: true, text: [line.command, ...line.args.map(quoteWord)].join(' ') };
}

/**
 * The commands of a script, in order. Blank lines and `#` lines are
 * skipped and the command word is upper-cased, as 1.4's TMScript did; an
 * unknown command, a wrong argument count, an unterminated quote or a
 * control character fails the whole script (nothing of it should run).
 */
export function parseTransferScript(text: string): { ok: true; lines: TransferLine[] } | { ok: false; message: string } {
  const lines: TransferLine[] = [];
  const rows = text.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  for (const [i, row] of rows.entries()) {
    const fail = (why: string) => ({ ok: false as const, message: `line ${i + 1}: ${why}` });
    if (CONTROL_CHARACTER.test(row.replace(/\t/g, ' '))) return fail('control character');
    const trimmed = row.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const words = splitWords(trimmed);
    if (!Array.isArray(words)) return fail(words.error);
    const [word, ...args] = words;
    const command = word.toUpperCase();
    if (!isCommand(command)) return fail(`${command} not found`);
    const arity = arityProblem(command, args.length);
    if (arity) return fail(arity);
    lines.push({ command, args });
  }
  return { ok: true, lines };
}
