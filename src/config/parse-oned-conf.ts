import { err, isVector, ok, parseTemplateWithLines, type Result } from '../template/index.ts';
import { ONED_CONF_KEYS } from './config-keys.ts';
import type { Layout } from './layout.ts';
import type { OnedConfig } from './oned-config.ts';
import { isProblem } from './value-checks.ts';

/** One thing wrong with a config file; line 0 when it concerns the whole file. */
export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** `file:line: what is wrong`, the form every start-up error takes. */
export const formatConfigProblem = (p: ConfigProblem): string =>
  p.line > 0 ? `${p.file}:${p.line}: ${p.message}` : `${p.file}: ${p.message}`;

/**
 * Reads oned.conf text into a typed OnedConfig, filling §8.2 defaults.
 * Pure: `file` is only used in messages, and `layout` gives the default
 * VM_DIR. Reports every problem it finds, not only the first.
 */
export function parseOnedConf(text: string, file: string, layout: Layout): Result<OnedConfig, ConfigProblem[]> {
  const parsed = parseTemplateWithLines(text, { mode: 'multi' });
  if (!parsed.ok) return err([{ file, line: parsed.error.line, message: `syntax error: ${parsed.error.message}` }]);

  const problems: ConfigProblem[] = [];
  const config: Record<string, unknown> = {};
  const firstLine = new Map<string, number>();
  const namesSeen = new Map<string, number>();

  // Optional fields (`once`) stay absent unless the file sets them.
  for (const spec of Object.values(ONED_CONF_KEYS)) {
    if (spec.kind === 'scalar') config[spec.field] = spec.initial(layout);
    if (spec.kind === 'list') config[spec.field] = [];
  }

  parsed.value.template.attributes.forEach((attribute, index) => {
    const line = parsed.value.lines[index];
    const key = attribute.name;
    const report = (message: string) => problems.push({ file, line, message: `${key}: ${message}` });
    const spec = ONED_CONF_KEYS[key];
    if (spec === undefined) {
      problems.push({ file, line, message: `unknown key ${key}` });
      return;
    }
    const earlier = firstLine.get(key);
    if (spec.kind !== 'list' && earlier !== undefined) {
      report(`set more than once (first on line ${earlier})`);
      return;
    }
    firstLine.set(key, line);

    if (spec.kind === 'scalar') {
      if (isVector(attribute)) return report('must be a single value, not a vector');
      const value = spec.check(attribute.value);
      if (isProblem(value)) return report(value.problem);
      config[spec.field] = value;
      return;
    }
    const value = spec.read(attribute);
    if (isProblem(value)) return report(value.problem);
    if (spec.kind === 'once') {
      config[spec.field] = value;
      return;
    }
    if (spec.uniqueNames) {
      const name = (value as { name: string }).name;
      const previous = namesSeen.get(`${key}/${name}`);
      if (previous !== undefined) return report(`NAME ${name} is already used on line ${previous}`);
      namesSeen.set(`${key}/${name}`, line);
    }
    (config[spec.field] as unknown[]).push(value);
  });

  return problems.length > 0 ? err(problems) : ok(config as unknown as OnedConfig);
}

/** The configuration an empty oned.conf gives. */
export function defaultOnedConfig(layout: Layout): OnedConfig {
  const r = parseOnedConf('', '(defaults)', layout);
  if (!r.ok) throw new Error('built-in defaults are invalid');
  return r.value;
}
