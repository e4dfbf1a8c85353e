import { readLeadingFloat } from '../numeric-read.ts';
import type { Result } from '../result.ts';
import type { AttributeLookup } from './requirements.ts';
import { runParser, type TokenCursor } from './token-cursor.ts';
import type { ExpressionSyntaxError } from './tokenize.ts';

/**
 * RANK (spec §6.6): an arithmetic score for one host. `*` and `/` bind
 * tighter than `+` and `-`; unary `-` binds tightest (`- RUNNING_VMS` is the
 * striping policy). A name reads the attribute as a float, missing → 0.
 */
export type RankExpression =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'negate'; readonly expr: RankExpression }
  /** Left-to-right chains, flat so that long sums cannot overflow the stack. */
  | { readonly kind: 'sum'; readonly first: RankExpression; readonly rest: readonly { readonly op: '+' | '-'; readonly expr: RankExpression }[] }
  | { readonly kind: 'product'; readonly first: RankExpression; readonly rest: readonly { readonly op: '*' | '/'; readonly expr: RankExpression }[] };

/** Empty or blank text ranks every host 0 (1.4: empty → 0). */
export function parseRank(text: string): Result<RankExpression, ExpressionSyntaxError> {
  return runParser(text, (cursor) => (cursor.peek().kind === 'end' ? { kind: 'number', value: 0 } : parseSum(cursor, 0)));
}

/**
 * The reference interpreter: walks the tree for every host. The scheduler
 * runs compileRank (compile.ts) instead; tests check both agree.
 */
export function evaluateRank(expr: RankExpression, lookup: AttributeLookup): number {
  return toRankScore(evaluate(expr, lookup));
}

/**
 * The score, truncated to an integer as 1.4 did before normalising. A
 * result that is not a finite number (division by zero) counts as 0, and
 * so does -0.
 */
export function toRankScore(value: number): number {
  const score = Math.trunc(value);
  return Number.isFinite(score) ? score || 0 : 0;
}

/** Parse and evaluate in one step; a parse error is returned, never thrown. */
export function computeRank(text: string, lookup: AttributeLookup): Result<number, ExpressionSyntaxError> {
  const parsed = parseRank(text);
  return parsed.ok ? { ok: true, value: evaluateRank(parsed.value, lookup) } : parsed;
}

function evaluate(expr: RankExpression, lookup: AttributeLookup): number {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'name':
      return readLeadingFloat(lookup(expr.name.toUpperCase()));
    case 'negate':
      return -evaluate(expr.expr, lookup);
    case 'sum': {
      let value = evaluate(expr.first, lookup);
      for (const { op, expr: next } of expr.rest) value = op === '+' ? value + evaluate(next, lookup) : value - evaluate(next, lookup);
      return value;
    }
    case 'product': {
      let value = evaluate(expr.first, lookup);
      for (const { op, expr: next } of expr.rest) value = op === '*' ? value * evaluate(next, lookup) : value / evaluate(next, lookup);
      return value;
    }
  }
}

function parseSum(cursor: TokenCursor, depth: number): RankExpression {
  const first = parseProduct(cursor, depth);
  const rest: { op: '+' | '-'; expr: RankExpression }[] = [];
  while (cursor.isOp('+') || cursor.isOp('-')) {
    const op = cursor.isOp('+') ? '+' : '-';
    cursor.next();
    rest.push({ op, expr: parseProduct(cursor, depth) });
  }
  return rest.length === 0 ? first : { kind: 'sum', first, rest };
}

function parseProduct(cursor: TokenCursor, depth: number): RankExpression {
  const first = parseUnary(cursor, depth);
  const rest: { op: '*' | '/'; expr: RankExpression }[] = [];
  while (cursor.isOp('*') || cursor.isOp('/')) {
    const op = cursor.isOp('*') ? '*' : '/';
    cursor.next();
    rest.push({ op, expr: parseUnary(cursor, depth) });
  }
  return rest.length === 0 ? first : { kind: 'product', first, rest };
}

function parseUnary(cursor: TokenCursor, depth: number): RankExpression {
  cursor.checkDepth(depth);
  if (cursor.isOp('-')) {
    cursor.next();
    return { kind: 'negate', expr: parseUnary(cursor, depth + 1) };
  }
  if (cursor.isOp('(')) {
    cursor.next();
    const inner = parseSum(cursor, depth + 1);
    cursor.expectOp(')');
    return inner;
  }
  const t = cursor.peek();
  if (t.kind === 'int' || t.kind === 'float') {
    cursor.next();
    return { kind: 'number', value: t.value };
  }
  if (t.kind === 'name') {
    cursor.next();
    return { kind: 'name', name: t.name.toUpperCase() };
  }
  return cursor.fail("expected a number, a name, '-' or '('");
}
