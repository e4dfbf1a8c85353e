import type { Template } from './template.ts';
import { getFirstVector, getSingle, getVectors, vectorValue } from './template-lookup.ts';

/** The template of another VM, for `$<vmid>.KEY`; undefined when there is no such VM. */
export type OtherVmTemplateLookup = (vmid: number) => Template | undefined;

const NAME = /[A-Za-z0-9_]+/y;
/** `[SUB]` or `[SUB, KEY = "value"]` / `[SUB, KEY = word]`, as 1.4's vm_var lexer. */
const BRACKET = /\[[ \t]*([A-Za-z0-9_]+)[ \t]*(?:,[ \t]*([A-Za-z0-9_]+)[ \t]*=[ \t]*(?:"([^"]*)"|([A-Za-z0-9]+))[ \t]*)?\]/y;

/**
 * Expands `$` variables in CONTEXT values and hook arguments (spec §9.2):
 *
 *   $NAME                     single attribute NAME of the VM template
 *   $NAME[SUB]                SUB of the first NAME vector
 *   $NAME[SUB, KEY="value"]   SUB of the first NAME vector whose KEY is value
 *   $<vmid>.KEY               KEY of the CONTEXT of VM <vmid>
 *
 * Names are case-insensitive and unknown ones expand to "". A variable ends
 * at the first character that cannot continue it, and that character is
 * kept. Where 1.4 reported a syntax error (a `$` not followed by a name, a
 * malformed `[...]`), this function keeps the text as written instead, so
 * that it never fails: `$ 5` stays `$ 5`, and `$A[` is `$A` followed by `[`.
 */
export function substituteVariables(text: string, vmTemplate: Template, lookupOtherVm?: OtherVmTemplateLookup): string {
  let out = '';
  let i = 0;
  for (;;) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) return out + text.slice(i);
    out += text.slice(i, dollar);
    i = dollar + 1;
    const name = matchAt(NAME, text, i);
    if (name === undefined) {
      out += '$';
      continue;
    }
    i += name[0].length;
    if (/^[0-9]+$/.test(name[0]) && text[i] === '.') {
      const key = matchAt(NAME, text, i + 1);
      if (key !== undefined) {
        out += otherVmContextValue(lookupOtherVm, Number(name[0]), key[0]);
        i += 1 + key[0].length;
        continue;
      }
    }
    const bracket = text[i] === '[' ? matchAt(BRACKET, text, i) : undefined;
    if (bracket !== undefined) {
      const [whole, sub, key, quoted, word] = bracket;
      out += vectorVariable(vmTemplate, name[0], sub, key, quoted ?? word);
      i += whole.length;
      continue;
    }
    out += getSingle(vmTemplate, name[0]) ?? '';
  }
}

function matchAt(re: RegExp, text: string, at: number): RegExpExecArray | undefined {
  re.lastIndex = at;
  return re.exec(text) ?? undefined;
}

function vectorVariable(t: Template, name: string, sub: string, key: string | undefined, wanted: string | undefined): string {
  const chosen =
    key === undefined ? getFirstVector(t, name) : getVectors(t, name).find((v) => vectorValue(v, key) === wanted);
  return chosen ? (vectorValue(chosen, sub) ?? '') : '';
}

function otherVmContextValue(lookup: OtherVmTemplateLookup | undefined, vmid: number, key: string): string {
  const other = lookup?.(vmid);
  const context = other && getFirstVector(other, 'CONTEXT');
  return context ? (vectorValue(context, key) ?? '') : '';
}
