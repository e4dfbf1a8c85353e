import { readLeadingFloat, readLeadingInt } from '../numeric-read.ts';
import type { Result } from '../result.ts';
import { fnmatch } from './fnmatch.ts';
import { runParser, type TokenCursor } from './token-cursor.ts';
import type { ExpressionSyntaxError } from './tokenize.ts';

/**
 * REQUIREMENTS (spec §6.5): a boolean filter over one host's attributes.
 *
 * Precedence is 1.4's, kept for compatibility: `&`, `|` and `!` share ONE
 * left-associative level, so `a | b & c` means `(a | b) & c` and `!` binds
 * to the comparison or parenthesis right after it. Use parentheses.
 */

/** Resolves an attribute name (already upper-cased) to its text, if any. */
export type AttributeLookup = (name: string) => string | undefined;

export type ComparisonOperand =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly pattern: string };

export type RequirementsExpression =
  | { readonly kind: 'true' }
  | { readonly kind: 'compare'; readonly name: string; readonly op: '=' | '!=' | '>' | '<'; readonly operand: ComparisonOperand }
  | { readonly kind: 'not'; readonly expr: RequirementsExpression }
  /** A left-to-right chain, flat so that long chains cannot overflow the stack. */
  | {
      readonly kind: 'chain';
      readonly first: RequirementsExpression;
      readonly rest: readonly { readonly op: '&' | '|'; readonly expr: RequirementsExpression }[];
    };

/** Empty or blank text means "every host" (1.4: empty → true). */
export function parseRequirements(text: string): Result<RequirementsExpression, ExpressionSyntaxError> {
  return runParser(text, (cursor) => (cursor.peek().kind === 'end' ? { kind: 'true' } : parseChain(cursor, 0)));
}

export function evaluateRequirements(expr: RequirementsExpression, lookup: AttributeLookup): boolean {
  switch (expr.kind) {
    case 'true':
      return true;
    case 'not':
      return !evaluateRequirements(expr.expr, lookup);
    case 'chain': {
      let value = evaluateRequirements(expr.first, lookup);
      for (const { op, expr: next } of expr.rest) {
        const right = evaluateRequirements(next, lookup);
        value = op === '&' ? value && right : value || right;
      }
      return value;
    }
    case 'compare':
      return compare(expr, lookup(expr.name.toUpperCase()));
  }
}

/** Parse and evaluate in one step; a parse error is returned, never thrown. */
export function matchRequirements(text: string, lookup: AttributeLookup): Result<boolean, ExpressionSyntaxError> {
  const parsed = parseRequirements(text);
  return parsed.ok ? { ok: true, value: evaluateRequirements(parsed.value, lookup) } : parsed;
}

function compare(expr: Extract<RequirementsExpression, { kind: 'compare' }>, raw: string | undefined): boolean {
  const { op, operand } = expr;
  // 1.4 could not tell a missing attribute from an empty one: both read "".
  const missing = raw === undefined || raw === '';
  if (operand.type === 'string') {
    if (missing) return false;
    // An empty pattern matches nothing here (1.4 crashed on it).
    const matched = fnmatch(operand.pattern, raw);
    return op === '=' ? matched : !matched;
  }
  if (operand.type === 'float' && missing) return false;
  const actual = operand.type === 'int' ? readLeadingInt(raw) : readLeadingFloat(raw);
  switch (op) {
    case '=':
      return actual === operand.value;
    case '!=':
      return actual !== operand.value;
    case '>':
      return actual > operand.value;
    case '<':
      return actual < operand.value;
  }
}

function parseChain(cursor: TokenCursor, depth: number): RequirementsExpression {
  const first = parseUnary(cursor, depth);
  const rest: { op: '&' | '|'; expr: RequirementsExpression }[] = [];
  while (cursor.isOp('&') || cursor.isOp('|')) {
    const op = cursor.isOp('&') ? '&' : '|';
    cursor.next();
    rest.push({ op, expr: parseUnary(cursor, depth) });
  }
  return rest.length === 0 ? first : { kind: 'chain', first, rest };
}

function parseUnary(cursor: TokenCursor, depth: number): RequirementsExpression {
  cursor.checkDepth(depth);
  if (cursor.isOp('!')) {
    cursor.next();
    return { kind: 'not', expr: parseUnary(cursor, depth + 1) };
  }
  if (cursor.isOp('(')) {
    cursor.next();
    const inner = parseChain(cursor, depth + 1);
    cursor.expectOp(')');
    return inner;
  }
  const t = cursor.peek();
  if (t.kind !== 'name') cursor.fail("expected an attribute name, '!' or '('");
  cursor.next();
  return parseComparison(cursor, t.name);
}

function parseComparison(cursor: TokenCursor, name: string): RequirementsExpression {
  let op: '=' | '!=' | '>' | '<';
  if (cursor.isOp('!') && cursor.isOp('=', 1)) {
    cursor.next();
    op = '!=';
  } else if (cursor.isOp('=')) op = '=';
  else if (cursor.isOp('>')) op = '>';
  else if (cursor.isOp('<')) op = '<';
  else cursor.fail(`expected '=', '!=', '>' or '<' after ${name}`);
  cursor.next();
  return { kind: 'compare', name: name.toUpperCase(), op, operand: parseOperand(cursor, op) };
}

function parseOperand(cursor: TokenCursor, op: string): ComparisonOperand {
  const negative = cursor.isOp('-') && (cursor.peek(1).kind === 'int' || cursor.peek(1).kind === 'float');
  if (negative) cursor.next();
  const t = cursor.peek();
  if (t.kind === 'int' || t.kind === 'float') {
    cursor.next();
    return { type: t.kind, value: negative ? -t.value : t.value };
  }
  if ((op === '=' || op === '!=') && (t.kind === 'string' || t.kind === 'name')) {
    cursor.next();
    // A bare word on the right is a pattern, case kept (`HYPERVISOR = kvm`).
    return { type: 'string', pattern: t.kind === 'string' ? t.value : t.name };
  }
  return cursor.fail(op === '=' || op === '!=' ? 'expected a number, a string or a word' : 'expected a number');
}
