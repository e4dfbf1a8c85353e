import { splitWordParts, type ShellWords } from '../inputs/shell-words.ts';
import { substituteVariables, type OtherVmTemplateLookup } from './substitute-variables.ts';
import type { Template } from './template.ts';

/**
 * The argument words of a VM_HOOK (spec §9.2, §11.1). The configured
 * `arguments` string is split into words first, the way sh would split it
 * (see src/inputs/shell-words.ts), and only then are `$` variables expanded inside each
 * word. So a VM's values never add, remove or merge words, whatever they
 * contain: blanks, quotes, `$(…)`, backquotes, `;`, newlines. A variable that
 * expands to nothing leaves an empty word.
 *
 * Variables expand in plain, '…' and "…" text alike (1.4 expanded them
 * before any quoting was looked at, so '$NAME' worked); a backslash-escaped
 * dollar (`\$NAME`, or `"\$NAME"`) stays a literal `$NAME`.
 */
export function hookArgumentWords(args: string, vmTemplate: Template, lookupOtherVm?: OtherVmTemplateLookup): ShellWords<string> {
  const split = splitWordParts(args);
  if (!Array.isArray(split)) return split;
  return split.map((parts) =>
    parts.map((p) => (p.escaped ? p.text : substituteVariables(p.text, vmTemplate, lookupOtherVm))).join(''),
  );
}
