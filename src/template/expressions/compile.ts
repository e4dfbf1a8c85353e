import { readLeadingFloat, readLeadingInt } from '../numeric-read.ts';
import type { Result } from '../result.ts';
import { compileGlob } from './fnmatch.ts';
import { parseRank, toRankScore, type RankExpression } from './rank.ts';
import { parseRequirements, type AttributeLookup, type ComparisonOp, type RequirementsExpression } from './requirements.ts';
import type { ExpressionSyntaxError } from './tokenize.ts';

/**
 * Expressions compiled once per VM and then run against many hosts: the
 * scheduler's hot path. The tree is turned into nested closures once, so a
 * host costs no parsing and no switch over node kinds; names are already
 * upper-cased and glob patterns compiled. Chains (`a & b & …`, `x + y + …`)
 * run as loops over an array, so a long chain cannot overflow the stack;
 * nesting is bounded by the parser's depth limit. The semantics are those of
 * evaluateRequirements / evaluateRank (the reference interpreters), which the
 * tests compare against. A syntax error comes back as data, never thrown.
 */
export type CompiledRequirements = (lookup: AttributeLookup) => boolean;
export type CompiledRank = (lookup: AttributeLookup) => number;

export function compileRequirements(text: string): Result<CompiledRequirements, ExpressionSyntaxError> {
  const parsed = parseRequirements(text);
  return parsed.ok ? { ok: true, value: compileTest(parsed.value) } : parsed;
}

export function compileRank(text: string): Result<CompiledRank, ExpressionSyntaxError> {
  const parsed = parseRank(text);
  if (!parsed.ok) return parsed;
  const score = compileNumber(parsed.value);
  if (typeof score === 'number') {
    const constant = toRankScore(score);
    return { ok: true, value: () => constant };
  }
  return { ok: true, value: (lookup) => toRankScore(score(lookup)) };
}

function compileTest(expr: RequirementsExpression): CompiledRequirements {
  switch (expr.kind) {
    case 'true':
      return () => true;
    case 'not': {
      const inner = compileTest(expr.expr);
      return (lookup) => !inner(lookup);
    }
    case 'and': {
      const tests = expr.operands.map(compileTest);
      if (tests.length === 2) {
        const [a, b] = tests;
        return (lookup) => a(lookup) && b(lookup);
      }
      return (lookup) => {
        for (let i = 0; i < tests.length; i++) if (!tests[i](lookup)) return false;
        return true;
      };
    }
    case 'or': {
      const tests = expr.operands.map(compileTest);
      if (tests.length === 2) {
        const [a, b] = tests;
        return (lookup) => a(lookup) || b(lookup);
      }
      return (lookup) => {
        for (let i = 0; i < tests.length; i++) if (tests[i](lookup)) return true;
        return false;
      };
    }
    case 'compare':
      return compileComparison(expr);
  }
}

function compileComparison(expr: Extract<RequirementsExpression, { kind: 'compare' }>): CompiledRequirements {
  const { name, op, operand } = expr;
  if (operand.type === 'string') {
    // Missing and empty attributes fail both `=` and `!=` (1.4 read both as "").
    const matches = compileGlob(operand.pattern);
    return op === '='
      ? (lookup) => {
          const raw = lookup(name);
          return raw !== undefined && raw !== '' && matches(raw);
        }
      : (lookup) => {
          const raw = lookup(name);
          return raw !== undefined && raw !== '' && !matches(raw);
        };
  }
  const test = numericTest(op, operand.value);
  if (operand.type === 'int') return (lookup) => test(readLeadingInt(lookup(name)));
  // A float comparison on a missing attribute is false, whatever the operator.
  return (lookup) => {
    const raw = lookup(name);
    return raw !== undefined && raw !== '' && test(readLeadingFloat(raw));
  };
}

function numericTest(op: ComparisonOp, value: number): (actual: number) => boolean {
  switch (op) {
    case '=':
      return (actual) => actual === value;
    case '!=':
      return (actual) => actual !== value;
    case '>':
      return (actual) => actual > value;
    case '<':
      return (actual) => actual < value;
    case '>=':
      return (actual) => actual >= value;
    case '<=':
      return (actual) => actual <= value;
  }
}

type NumberFn = (lookup: AttributeLookup) => number;

/**
 * A subtree made only of numbers is folded into its value (a plain number),
 * computed with the same operations in the same order as the interpreter,
 * so the result is bit-for-bit the same.
 */
function compileNumber(expr: RankExpression): NumberFn | number {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'name': {
      const { name } = expr;
      return (lookup) => readLeadingFloat(lookup(name));
    }
    case 'negate': {
      const inner = compileNumber(expr.expr);
      if (typeof inner === 'number') return -inner;
      return (lookup) => -inner(lookup);
    }
    case 'sum':
    case 'product':
      return compileChain(expr);
  }
}

type Operator = '+' | '-' | '*' | '/';

function compileChain(expr: Extract<RankExpression, { kind: 'sum' | 'product' }>): NumberFn | number {
  const first = compileNumber(expr.first);
  const ops: Operator[] = expr.rest.map((step) => step.op);
  const operands = expr.rest.map((step) => compileNumber(step.expr));
  if (typeof first === 'number' && operands.every((o) => typeof o === 'number')) {
    return operands.reduce<number>((value, o, i) => apply(ops[i], value, o as number), first);
  }
  const fns = [first, ...operands].map((o): NumberFn => (typeof o === 'number' ? () => o : o));
  if (operands.length === 1 && typeof first !== 'number') return binary(ops[0], first, operands[0]);
  return (lookup) => {
    let value = fns[0](lookup);
    for (let i = 1; i < fns.length; i++) value = apply(ops[i - 1], value, fns[i](lookup));
    return value;
  };
}

function apply(op: Operator, a: number, b: number): number {
  return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
}

/**
 * The common two-operand case (`FREE_CPU - RUNNING_VMS * 10`) without the
 * loop, and with a number on the right read straight from the closure.
 */
function binary(op: Operator, a: NumberFn, b: NumberFn | number): NumberFn {
  if (typeof b === 'number') {
    switch (op) {
      case '+':
        return (lookup) => a(lookup) + b;
      case '-':
        return (lookup) => a(lookup) - b;
      case '*':
        return (lookup) => a(lookup) * b;
      case '/':
        return (lookup) => a(lookup) / b;
    }
  }
  switch (op) {
    case '+':
      return (lookup) => a(lookup) + b(lookup);
    case '-':
      return (lookup) => a(lookup) - b(lookup);
    case '*':
      return (lookup) => a(lookup) * b(lookup);
    case '/':
      return (lookup) => a(lookup) / b(lookup);
  }
}
