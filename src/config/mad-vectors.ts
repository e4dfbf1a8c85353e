import { vectorValue, type TemplateAttribute, type VectorAttribute } from '../template/index.ts';
import { splitWords } from '../inputs/shell-words.ts';
import type { HookConfig, MadConfig } from './oned-config.ts';
import { problem, type Problem } from './value-checks.ts';

/**
 * Readers for the vector keys of oned.conf. Unknown sub-attributes are
 * refused, so that a typo (`executible`) is reported instead of ignored.
 */

export const VM_MAD_TYPES = ['xen', 'kvm', 'xml', 'dummy'] as const;
export const HOOK_EVENTS = ['CREATE', 'RUNNING', 'SHUTDOWN', 'STOP', 'DONE', 'FAILED'] as const;

interface MadRules {
  /** HM_MAD has no name in 1.4; others are referred to by name from hosts. */
  readonly defaultName?: string;
  /** Only VM_MAD carries a hypervisor TYPE. */
  readonly typed?: boolean;
}

export function madReader(key: string, rules: MadRules = {}): (attribute: TemplateAttribute) => MadConfig | Problem {
  const allowed = ['NAME', 'EXECUTABLE', 'ARGUMENTS', 'DEFAULT', 'OWNER', ...(rules.typed ? ['TYPE'] : [])];
  return (attribute) => {
    if (!('pairs' in attribute)) return problem(`must be a vector, e.g. ${key} = [ name = "…", executable = "…" ]`);
    const unknown = unknownSub(attribute, allowed);
    if (unknown) return unknown;
    const name = nonEmpty(attribute, 'NAME') ?? rules.defaultName;
    if (name === undefined) return problem('NAME is required');
    const executable = nonEmpty(attribute, 'EXECUTABLE');
    if (executable === undefined) return problem(`EXECUTABLE is required in ${key} ${name}`);
    const mad: { -readonly [K in keyof MadConfig]: MadConfig[K] } = {
      name,
      executable,
      arguments: vectorValue(attribute, 'ARGUMENTS') ?? '',
    };
    const defaults = nonEmpty(attribute, 'DEFAULT');
    if (defaults !== undefined) mad.default = defaults;
    const owner = nonEmpty(attribute, 'OWNER');
    if (owner !== undefined) mad.owner = owner;
    if (rules.typed) {
      const type = nonEmpty(attribute, 'TYPE')?.toLowerCase();
      if (type === undefined || !(VM_MAD_TYPES as readonly string[]).includes(type)) {
        return problem(`TYPE of ${key} ${name} must be one of ${VM_MAD_TYPES.join(', ')}, got ${JSON.stringify(type ?? '')}`);
      }
      mad.type = type;
    }
    return mad;
  };
}

export function readHook(attribute: TemplateAttribute): HookConfig | Problem {
  if (!('pairs' in attribute)) return problem('must be a vector, e.g. VM_HOOK = [ name = "…", on = "RUNNING", command = "…" ]');
  const unknown = unknownSub(attribute, ['NAME', 'ON', 'COMMAND', 'ARGUMENTS', 'REMOTE']);
  if (unknown) return unknown;
  const command = nonEmpty(attribute, 'COMMAND');
  if (command === undefined) return problem('COMMAND is required');
  const on = nonEmpty(attribute, 'ON')?.toUpperCase();
  if (on === undefined || !(HOOK_EVENTS as readonly string[]).includes(on)) {
    return problem(`ON must be one of ${HOOK_EVENTS.join(', ')}, got ${JSON.stringify(on ?? '')}`);
  }
  // Split here once so that a bad quote stops start-up instead of every run of the hook.
  const words = splitWords(vectorValue(attribute, 'ARGUMENTS') ?? '');
  if (!Array.isArray(words)) return problem(`ARGUMENTS: ${words.error}`);
  const remote = (vectorValue(attribute, 'REMOTE') ?? 'no').toLowerCase();
  if (remote !== 'yes' && remote !== 'no') return problem(`REMOTE must be yes or no, got ${JSON.stringify(remote)}`);
  return {
    name: nonEmpty(attribute, 'NAME') ?? command,
    on,
    command,
    arguments: vectorValue(attribute, 'ARGUMENTS') ?? '',
    remote: remote === 'yes',
  };
}

function nonEmpty(vector: VectorAttribute, sub: string): string | undefined {
  const value = vectorValue(vector, sub);
  return value === undefined || value === '' ? undefined : value;
}

function unknownSub(vector: VectorAttribute, allowed: readonly string[]): Problem | undefined {
  const bad = vector.pairs.find(([sub]) => !allowed.includes(sub));
  return bad ? problem(`unknown attribute ${bad[0]} (allowed: ${allowed.join(', ')})`) : undefined;
}
