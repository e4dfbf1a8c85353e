import { readLeadingFloat, readLeadingInt } from '../numeric-read.ts';
import type { Result } from '../result.ts';
import { fnmatch } from './fnmatch.ts';
import { runParser, type TokenCursor } from './token-cursor.ts';
import type { ExpressionSyntaxError } from './tokenize.ts';

/**
 * REQUIREMENTS (spec §6.5): a boolean filter over one host's attributes.
 *
 *   or         := and ('|' and)*
 *   and        := unary ('&' unary)*
 *   unary      := '!' unary | '(' or ')' | comparison
 *   comparison := NAME ('=' | '!=' | '>' | '<' | '>=' | '<=') operand
 *
 * So comparisons bind tightest, then `!`, then `&`, then `|`: `a | b & c`
 * means `a | (b & c)`, and `!a & b` means `(!a) & b`. This is the usual
 * precedence and deliberately NOT 1.4's, where `&`, `|` and `!` shared one
 * left-associative level (`a | b & c` was `(a | b) & c`). `>=` and `<=` are
 * new too; like `!=` they may be written with blanks inside (`> =`).
 * Numbers compare with all six operators, strings only with `=` and `!=`.
 */

/** Resolves an attribute name (already upper-cased) to its text, if any. */
export type AttributeLookup = (name: string) => string | undefined;

export type ComparisonOperand =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly pattern: string };

export type ComparisonOp = '=' | '!=' | '>' | '<' | '>=' | '<=';

export type RequirementsExpression =
  | { readonly kind: 'true' }
  /** `name` is upper-cased by the parser. */
  | { readonly kind: 'compare'; readonly name: string; readonly op: ComparisonOp; readonly operand: ComparisonOperand }
  | { readonly kind: 'not'; readonly expr: RequirementsExpression }
  /** `a & b & …` or `a | b | …`, flat (two operands or more) so that long chains cannot overflow the stack. */
  | { readonly kind: 'and' | 'or'; readonly operands: readonly RequirementsExpression[] };

/** Empty or blank text means "every host" (1.4: empty → true). */
export function parseRequirements(text: string): Result<RequirementsExpression, ExpressionSyntaxError> {
  return runParser(text, (cursor) => (cursor.peek().kind === 'end' ? { kind: 'true' } : parseOr(cursor, 0)));
}

/**
 * The reference interpreter: walks the tree for every host. The scheduler
 * runs compileRequirements (compile.ts) instead; tests check both agree.
 */
export function evaluateRequirements(expr: RequirementsExpression, lookup: AttributeLookup): boolean {
  switch (expr.kind) {
    case 'true':
      return true;
    case 'not':
      return !evaluateRequirements(expr.expr, lookup);
    case 'and':
      return expr.operands.every((operand) => evaluateRequirements(operand, lookup));
    case 'or':
      return expr.operands.some((operand) => evaluateRequirements(operand, lookup));
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
    case '>=':
      return actual >= operand.value;
    case '<=':
      return actual <= operand.value;
  }
}

function parseOr(cursor: TokenCursor, depth: number): RequirementsExpression {
  const operands = [parseAnd(cursor, depth)];
  while (cursor.isOp('|')) {
    cursor.next();
    operands.push(parseAnd(cursor, depth));
  }
  return operands.length === 1 ? operands[0] : { kind: 'or', operands };
}

function parseAnd(cursor: TokenCursor, depth: number): RequirementsExpression {
  const operands = [parseUnary(cursor, depth)];
  while (cursor.isOp('&')) {
    cursor.next();
    operands.push(parseUnary(cursor, depth));
  }
  return operands.length === 1 ? operands[0] : { kind: 'and', operands };
}

function parseUnary(cursor: TokenCursor, depth: number): RequirementsExpression {
  cursor.checkDepth(depth);
  if (cursor.isOp('!')) {
    cursor.next();
    return { kind: 'not', expr: parseUnary(cursor, depth + 1) };
  }
  if (cursor.isOp('(')) {
    cursor.next();
    const inner = parseOr(cursor, depth + 1);
    cursor.expectOp(')');
    return inner;
  }
  const t = cursor.peek();
  if (t.kind !== 'name') cursor.fail("expected an attribute name, '!' or '('");
  cursor.next();
  return parseComparison(cursor, t.name);
}

function parseComparison(cursor: TokenCursor, name: string): RequirementsExpression {
  const op = readComparisonOp(cursor);
  if (op === undefined) return cursor.fail(`expected '=', '!=', '>', '<', '>=' or '<=' after ${name}`);
  return { kind: 'compare', name: name.toUpperCase(), op, operand: parseOperand(cursor, op) };
}

/** The lexer has one-character operators only: `!=`, `>=` and `<=` are two tokens. */
function readComparisonOp(cursor: TokenCursor): ComparisonOp | undefined {
  for (const first of ['!', '>', '<'] as const) {
    if (cursor.isOp(first) && cursor.isOp('=', 1)) {
      cursor.next();
      cursor.next();
      return `${first}=`;
    }
  }
  for (const op of ['=', '>', '<'] as const) {
    if (cursor.isOp(op)) {
      cursor.next();
      return op;
    }
  }
  return undefined;
}

function parseOperand(cursor: TokenCursor, op: ComparisonOp): ComparisonOperand {
  const negative = cursor.isOp('-') && (cursor.peek(1).kind === 'int' || cursor.peek(1).kind === 'float');
  if (negative) cursor.next();
  const t = cursor.peek();
  if (t.kind === 'int' || t.kind === 'float') {
    cursor.next();
    return { type: t.kind, value: negative ? -t.value : t.value };
  }
  const equality = op === '=' || op === '!=';
  if (t.kind === 'string' || t.kind === 'name') {
    if (!equality) return cursor.fail(`'${op}' needs a number (strings take only '=' and '!=')`);
    cursor.next();
    // A bare word on the right is a pattern, case kept (`HYPERVISOR = kvm`).
    return { type: 'string', pattern: t.kind === 'string' ? t.value : t.name };
  }
  return cursor.fail(equality ? 'expected a number, a string or a word' : 'expected a number');
}
