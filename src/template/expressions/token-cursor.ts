import { err, ok, type Result } from '../result.ts';
import { describeToken, expressionError, tokenizeExpression, type ExpressionSyntaxError, type ExpressionToken } from './tokenize.ts';

/**
 * Nesting limit for `(`, `!` and unary `-`. Deeper input is a syntax error
 * rather than a stack overflow; real expressions nest a few levels at most.
 */
export const MAX_EXPRESSION_DEPTH = 100;

class Failure {
  constructor(readonly error: ExpressionSyntaxError) {}
}

/** A recursive-descent parser's view of the token list. */
export class TokenCursor {
  private pos = 0;

  constructor(private readonly text: string, private readonly tokens: readonly ExpressionToken[]) {}

  peek(offset = 0): ExpressionToken {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  next(): ExpressionToken {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  isOp(op: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.op === op;
  }

  expectOp(op: string): void {
    if (!this.isOp(op)) this.fail(`expected '${op}'`);
    this.next();
  }

  checkDepth(depth: number): void {
    if (depth > MAX_EXPRESSION_DEPTH) this.fail('expression nested too deeply');
  }

  /** Fails at the current token, naming it. */
  fail(what: string): never {
    const t = this.peek();
    throw new Failure(expressionError(this.text, t.at, `${what}, found ${describeToken(t)}`));
  }
}

/** Tokenizes, runs `parse` and insists on consuming all of the input. */
export function runParser<T>(text: string, parse: (cursor: TokenCursor) => T): Result<T, ExpressionSyntaxError> {
  const tokens = tokenizeExpression(text);
  if (!tokens.ok) return tokens;
  const cursor = new TokenCursor(text, tokens.value);
  try {
    const value = parse(cursor);
    if (cursor.peek().kind !== 'end') cursor.fail('expected an operator or the end');
    return ok(value);
  } catch (e) {
    if (e instanceof Failure) return err(e.error);
    throw e;
  }
}
