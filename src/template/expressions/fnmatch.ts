/**
 * Shell-glob matching as POSIX fnmatch(pattern, text, 0), which 1.4 used for
 * string comparisons in REQUIREMENTS: `*` any run (also across `/` and
 * leading dots, since no flags were passed), `?` one character, `[...]` a
 * set with ranges, `!`/`^` negation and `[:class:]`, `\x` a literal x.
 * An unclosed `[` is a literal bracket, as in glibc.
 *
 * Matching keeps only the last `*` as a backtrack point, so the cost is at
 * most pattern length × text length: no pattern can make it hang.
 */
export function fnmatch(pattern: string, text: string): boolean {
  return matchTokens(compile(Array.from(pattern)), text);
}

/**
 * fnmatch with the pattern compiled once, to match many texts (one
 * REQUIREMENTS pattern against every host). Patterns made of literals only
 * become a plain `===`, and `prefix*` / `*suffix` a startsWith / endsWith.
 */
export function compileGlob(pattern: string): (text: string) => boolean {
  const tokens = compile(Array.from(pattern));
  const literal = tokens.map((t) => (t.kind === 'literal' ? t.char : '')).join('');
  const stars = tokens.filter((t) => t.kind === 'star').length;
  const literalsAndStars = tokens.every((t) => t.kind === 'literal' || t.kind === 'star');
  if (literalsAndStars && stars === 0) return (text) => text === literal;
  // startsWith compares UTF-16 units, fnmatch whole characters: a lone
  // surrogate in the pattern could match half of a pair, so no shortcut then.
  if (literalsAndStars && stars === 1 && !/[\uD800-\uDFFF]/.test(literal)) {
    if (tokens[tokens.length - 1].kind === 'star') return (text) => text.startsWith(literal);
    if (tokens[0].kind === 'star') return (text) => text.endsWith(literal);
  }
  return (text) => matchTokens(tokens, text);
}

function matchTokens(tokens: readonly GlobToken[], text: string): boolean {
  const chars = Array.from(text);
  let ti = 0;
  let ci = 0;
  let starToken = -1;
  let starChar = 0;
  while (ci < chars.length) {
    const token = tokens[ti];
    if (token !== undefined && token.kind === 'star') {
      starToken = ti++;
      starChar = ci;
    } else if (token !== undefined && matchesOne(token, chars[ci])) {
      ti++;
      ci++;
    } else if (starToken >= 0) {
      ti = starToken + 1;
      ci = ++starChar;
    } else {
      return false;
    }
  }
  while (tokens[ti]?.kind === 'star') ti++;
  return ti === tokens.length;
}

type SetItem =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'range'; readonly from: number; readonly to: number }
  | { readonly kind: 'class'; readonly test: (c: string) => boolean };

type GlobToken =
  | { readonly kind: 'star' }
  | { readonly kind: 'any' }
  | { readonly kind: 'literal'; readonly char: string }
  | { readonly kind: 'set'; readonly negated: boolean; readonly items: readonly SetItem[] };

const CLASSES: Record<string, RegExp> = {
  alnum: /^[A-Za-z0-9]$/,
  alpha: /^[A-Za-z]$/,
  blank: /^[ \t]$/,
  cntrl: /^[\x00-\x1f\x7f]$/,
  digit: /^[0-9]$/,
  graph: /^[\x21-\x7e]$/,
  lower: /^[a-z]$/,
  print: /^[\x20-\x7e]$/,
  punct: /^[!-/:-@[-`{-~]$/,
  space: /^[ \t\n\r\f\v]$/,
  upper: /^[A-Z]$/,
  xdigit: /^[0-9A-Fa-f]$/,
};

function matchesOne(token: GlobToken, c: string): boolean {
  switch (token.kind) {
    case 'any':
      return true;
    case 'literal':
      return token.char === c;
    case 'set': {
      const code = c.codePointAt(0) ?? 0;
      const hit = token.items.some((item) =>
        item.kind === 'char' ? item.char === c : item.kind === 'range' ? item.from <= code && code <= item.to : item.test(c),
      );
      return hit !== token.negated;
    }
    default:
      return false;
  }
}

function compile(p: readonly string[]): GlobToken[] {
  const tokens: GlobToken[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '*') {
      // Consecutive stars mean the same as one.
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
      i++;
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (c === '\\' && i + 1 < p.length) {
      tokens.push({ kind: 'literal', char: p[i + 1] });
      i += 2;
    } else if (c === '[') {
      const set = compileSet(p, i);
      if (set) {
        tokens.push(set.token);
        i = set.next;
      } else {
        tokens.push({ kind: 'literal', char: '[' });
        i++;
      }
    } else {
      tokens.push({ kind: 'literal', char: c });
      i++;
    }
  }
  return tokens;
}

/** Reads `[...]` starting at `open`; undefined when the set never closes. */
function compileSet(p: readonly string[], open: number): { token: GlobToken; next: number } | undefined {
  let i = open + 1;
  const negated = p[i] === '!' || p[i] === '^';
  if (negated) i++;
  const items: SetItem[] = [];
  let first = true;
  while (i < p.length) {
    const c = p[i];
    if (c === ']' && !first) return { token: { kind: 'set', negated, items }, next: i + 1 };
    first = false;
    if (c === '[' && p[i + 1] === ':') {
      const close = p.indexOf(':', i + 2);
      if (close > 0 && p[close + 1] === ']') {
        const test = CLASSES[p.slice(i + 2, close).join('')];
        // An unknown class name matches nothing, like glibc.
        items.push({ kind: 'class', test: (ch) => test?.test(ch) ?? false });
        i = close + 2;
        continue;
      }
    }
    let low = c;
    if (c === '\\' && i + 1 < p.length) low = p[++i];
    i++;
    if (p[i] === '-' && i + 1 < p.length && p[i + 1] !== ']') {
      let high = p[i + 1];
      i += 2;
      if (high === '\\' && i < p.length) high = p[i++];
      items.push({ kind: 'range', from: low.codePointAt(0) ?? 0, to: high.codePointAt(0) ?? 0 });
    } else {
      items.push({ kind: 'char', char: low });
    }
  }
  return undefined;
}
