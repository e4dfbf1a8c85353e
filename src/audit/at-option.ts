import { InvalidArgumentError } from 'commander';
import { parseAt, type AtInstant } from './at-instant.ts';

/** commander's parser for `--at`, `--from` and `--to`: a bad value is a usage error naming the accepted forms. */
export function atOption(text: string): AtInstant {
  const r = parseAt(text);
  if (!r.ok) throw new InvalidArgumentError(r.message);
  return r.value;
}

export const AT_HELP = 'a seq (1234), epoch seconds (@1764974314) or an ISO 8601 time with its zone (2026-12-05T22:38:34Z)';
