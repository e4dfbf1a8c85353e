import { err, ok, type Result } from '../result.ts';

/**
 * The lexer shared by REQUIREMENTS and RANK (1.4 `host_parser.l`, spec §6.5).
 * Numbers are read unsigned: a leading `-` is an operator token, and the
 * parsers turn `-` before a number into a negative literal where 1.4's lexer
 * did. This lets `FREECPU-1` mean a subtraction, where 1.4 read `-1` as one
 * token and failed.
 */
export type ExpressionToken =
  | { readonly kind: 'op'; readonly op: string; readonly at: number }
  | { readonly kind: 'name'; readonly name: string; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: 'int'; readonly value: number; readonly at: number }
  | { readonly kind: 'float'; readonly value: number; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

export interface ExpressionSyntaxError {
  /** Complete sentence, ending in "at line L, column C". */
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

const OPERATORS = '!&|=><()*+/^-';
const NUMBER = /[0-9]+(\.[0-9]+)?/y;

export function tokenizeExpression(text: string): Result<ExpressionToken[], ExpressionSyntaxError> {
  const tokens: ExpressionToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (OPERATORS.includes(c)) {
      tokens.push({ kind: 'op', op: c, at: i });
      i++;
    } else if (c >= '0' && c <= '9') {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text)!;
      tokens.push({ kind: m[1] ? 'float' : 'int', value: Number(m[0]), at: i });
      i += m[0].length;
    } else if (/[A-Za-z]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
      tokens.push({ kind: 'name', name: text.slice(start, i), at: start });
    } else if (c === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) return err(expressionError(text, i, 'unterminated string'));
      tokens.push({ kind: 'string', value: text.slice(i + 1, close), at: i });
      i = close + 1;
    } else {
      return err(expressionError(text, i, `unexpected character ${JSON.stringify(c)}`));
    }
  }
  tokens.push({ kind: 'end', at: text.length });
  return ok(tokens);
}

export function expressionError(text: string, at: number, what: string): ExpressionSyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  const column = at - lineStart + 1;
  return { message: `${what} at line ${line}, column ${column}`, line, column };
}

export function describeToken(t: ExpressionToken): string {
  switch (t.kind) {
    case 'op':
      return `'${t.op}'`;
    case 'name':
      return `name ${t.name}`;
    case 'string':
      return `string "${t.value}"`;
    case 'int':
    case 'float':
      return `number ${t.value}`;
    case 'end':
      return 'end of expression';
  }
}
