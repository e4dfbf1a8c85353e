import { readFileSync } from 'node:fs';
import { resolveLayout, type Layout } from './layout.ts';
import type { OnedConfig } from './oned-config.ts';
import { formatConfigProblem, parseOnedConf, type ConfigProblem } from './parse-oned-conf.ts';

/** Start-up stops on this; its message lists every `file:line: problem`. */
export class OnedConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatConfigProblem).join('\n'));
    this.name = 'OnedConfigError';
  }
}

/**
 * Reads and validates oned.conf. Throws OnedConfigError when the file
 * cannot be read or holds a syntax error, an unknown key or a bad value:
 * oned must not start on a configuration it does not understand.
 */
export function loadOnedConf(path: string, layout: Layout = resolveLayout(process.env)): OnedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = e instanceof Error && 'code' in e ? String((e as NodeJS.ErrnoException).code) : String(e);
    throw new OnedConfigError([{ file: path, line: 0, message: `cannot read the file (${reason})` }]);
  }
  const parsed = parseOnedConf(text, path, layout);
  if (!parsed.ok) throw new OnedConfigError(parsed.error);
  return parsed.value;
}
