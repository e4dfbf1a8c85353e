import type { Result } from '../result.ts';
import { evaluateRank, parseRank } from './rank.ts';
import { evaluateRequirements, parseRequirements, type AttributeLookup } from './requirements.ts';
import type { ExpressionSyntaxError } from './tokenize.ts';

/**
 * Expressions compiled once per VM and then run against many hosts: the
 * scheduler's hot path. A syntax error comes back as data, never thrown.
 */
export type CompiledRequirements = (lookup: AttributeLookup) => boolean;
export type CompiledRank = (lookup: AttributeLookup) => number;

export function compileRequirements(text: string): Result<CompiledRequirements, ExpressionSyntaxError> {
  const parsed = parseRequirements(text);
  if (!parsed.ok) return parsed;
  const expr = parsed.value;
  return { ok: true, value: (lookup) => evaluateRequirements(expr, lookup) };
}

export function compileRank(text: string): Result<CompiledRank, ExpressionSyntaxError> {
  const parsed = parseRank(text);
  if (!parsed.ok) return parsed;
  const expr = parsed.value;
  return { ok: true, value: (lookup) => evaluateRank(expr, lookup) };
}
