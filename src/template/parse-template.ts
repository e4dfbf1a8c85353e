import { findForbiddenCharacter } from '../inputs/xml-characters.ts';
import { err, ok, type Result } from './result.ts';
import type { Template, TemplateAttribute } from './template.ts';

/**
 * Parser for the OpenNebula template language (spec §8.1), written by hand
 * after 1.4's template_parser.l / template_syntax.y so that errors are data
 * with a line and a column, and so that no input can make it throw or hang
 * (one left-to-right pass, no recursion).
 *
 * Deliberate differences from 1.4, all listed in the README deviations:
 * - `""` is an empty quoted string. 1.4 required at least one character
 *   between the quotes and read `""` as the two-character unquoted value.
 * - Inside quotes `\\` stands for one backslash (as well as `\"` for a
 *   quote), so that every value, including one ending in a backslash, can
 *   be written back and read again unchanged.
 * - A carriage return counts as a blank, so CRLF files parse.
 * - `NAME =` followed by a comment or the end of the input is an empty
 *   attribute too, not only when followed by a newline.
 * - Characters XML 1.0 forbids (NUL, other C0 controls, U+FFFE/U+FFFF,
 *   lone surrogates) are refused anywhere in the text: a value holding one
 *   would make every document that prints it unreadable.
 */

export interface TemplateSyntaxError {
  /** Complete sentence, ending in "at line L, column C". */
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, counted in UTF-16 code units. */
  readonly column: number;
}

export type TemplateMode = 'multi' | 'replace';

export interface ParseTemplateOptions {
  /**
   * `multi` keeps every occurrence of a repeated name (VM and network
   * templates, oned.conf). `replace` keeps one per name, the last value
   * winning at the first position (host monitoring data).
   */
  readonly mode?: TemplateMode;
}

export interface ParsedTemplate {
  readonly template: Template;
  /** Line on which each attribute of `template.attributes` starts. */
  readonly lines: readonly number[];
}

class Failure {
  constructor(readonly error: TemplateSyntaxError) {}
}

const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\r';
const isNameChar = (c: string) => /^[A-Za-z0-9_]$/.test(c);
const isUnquotedChar = (c: string) => !/^[ \t\r\n=#,[\]]$/.test(c);

export function parseTemplate(text: string, options: ParseTemplateOptions = {}): Result<Template, TemplateSyntaxError> {
  const parsed = parseTemplateWithLines(text, options);
  return parsed.ok ? ok(parsed.value.template) : parsed;
}

/** Same as parseTemplate, and also tells where each attribute starts (for config errors). */
export function parseTemplateWithLines(
  text: string,
  options: ParseTemplateOptions = {},
): Result<ParsedTemplate, TemplateSyntaxError> {
  const bad = findForbiddenCharacter(text);
  if (bad) {
    const before = text.slice(0, bad.index).split('\n');
    return err(located(`${bad.description} is not allowed in a template`, before.length, before[before.length - 1].length + 1));
  }
  try {
    return ok(new TemplateScanner(text, options.mode ?? 'multi').parse());
  } catch (e) {
    if (e instanceof Failure) return err(e.error);
    throw e;
  }
}

class TemplateScanner {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private readonly attributes: TemplateAttribute[] = [];
  private readonly lines: number[] = [];
  private readonly indexByName = new Map<string, number>();

  constructor(private readonly text: string, private readonly mode: TemplateMode) {}

  parse(): ParsedTemplate {
    for (;;) {
      this.skipInsignificant();
      if (this.atEnd()) break;
      const startLine = this.line;
      const name = this.readName('an attribute name');
      this.skipInsignificant();
      this.expect('=', `'=' after ${name}`);
      this.skipBlanks();
      const c = this.peek();
      let attribute: TemplateAttribute;
      if (c === undefined || c === '\n' || c === '#') {
        attribute = { name, value: '' };
      } else if (c === '[') {
        this.i++;
        attribute = { name, pairs: this.readVectorBody(name) };
      } else {
        attribute = { name, value: this.readValue() };
      }
      this.add(attribute, startLine);
    }
    return { template: { attributes: this.attributes }, lines: this.lines };
  }

  private add(attribute: TemplateAttribute, line: number): void {
    const existing = this.indexByName.get(attribute.name);
    if (this.mode === 'replace' && existing !== undefined) {
      this.attributes[existing] = attribute;
      this.lines[existing] = line;
      return;
    }
    this.indexByName.set(attribute.name, this.attributes.length);
    this.attributes.push(attribute);
    this.lines.push(line);
  }

  private readVectorBody(name: string): [string, string][] {
    const pairs: [string, string][] = [];
    const seen = new Set<string>();
    this.skipInsignificant();
    if (this.peek() === ']') this.fail(`empty vector attribute ${name}`);
    for (;;) {
      const sub = this.readName(`a sub-attribute name in ${name}`);
      this.skipInsignificant();
      this.expect('=', `'=' after ${name}/${sub}`);
      this.skipBlanks();
      const c = this.peek();
      if (c === '[') this.fail(`vector attributes cannot be nested (${name}/${sub})`);
      if (c === undefined || c === '\n' || c === '#' || c === ',' || c === ']') {
        this.fail(`missing value for ${name}/${sub} (write "" for an empty value)`);
      }
      const value = this.readValue();
      // 1.4 inserted into a std::map, which keeps the first value of a key.
      if (!seen.has(sub)) {
        seen.add(sub);
        pairs.push([sub, value]);
      }
      this.skipInsignificant();
      const next = this.peek();
      if (next === ',') {
        this.i++;
        this.skipInsignificant();
        continue;
      }
      if (next === ']') {
        this.i++;
        return pairs;
      }
      this.fail(next === undefined ? `unterminated vector attribute ${name}` : `${this.describe(next)} where ',' or ']' was expected in ${name}`);
    }
  }

  private readValue(): string {
    if (this.peek() === '"') return this.readQuoted();
    const start = this.i;
    while (!this.atEnd() && isUnquotedChar(this.text[this.i])) this.i++;
    if (this.i === start) this.fail(`${this.describe(this.peek())} where a value was expected`);
    return this.text.slice(start, this.i);
  }

  private readQuoted(): string {
    const openLine = this.line;
    const openColumn = this.column();
    this.i++;
    let value = '';
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        throw new Failure(located('unterminated quoted string', openLine, openColumn));
      }
      if (c === '\\' && (this.text[this.i + 1] === '"' || this.text[this.i + 1] === '\\')) {
        value += this.text[this.i + 1];
        this.i += 2;
        continue;
      }
      this.i++;
      if (c === '"') return value;
      if (c === '\n') this.newLine();
      value += c;
    }
  }

  private readName(what: string): string {
    const start = this.i;
    while (!this.atEnd() && isNameChar(this.text[this.i])) this.i++;
    if (this.i === start) this.fail(`${this.describe(this.peek())} where ${what} was expected`);
    return this.text.slice(start, this.i).toUpperCase();
  }

  private expect(char: string, what: string): void {
    if (this.peek() !== char) this.fail(`${this.describe(this.peek())} where ${what} was expected`);
    this.i++;
  }

  /** Blanks, newlines and comments: insignificant between items. */
  private skipInsignificant(): void {
    for (;;) {
      const c = this.peek();
      if (c === undefined) return;
      if (isBlank(c)) this.i++;
      else if (c === '\n') {
        this.i++;
        this.newLine();
      } else if (c === '#') {
        while (!this.atEnd() && this.text[this.i] !== '\n') this.i++;
      } else return;
    }
  }

  private skipBlanks(): void {
    while (!this.atEnd() && isBlank(this.text[this.i])) this.i++;
  }

  private newLine(): void {
    this.line++;
    this.lineStart = this.i;
  }

  private peek(): string | undefined {
    return this.i < this.text.length ? this.text[this.i] : undefined;
  }

  private atEnd(): boolean {
    return this.i >= this.text.length;
  }

  private column(): number {
    return this.i - this.lineStart + 1;
  }

  private describe(c: string | undefined): string {
    if (c === undefined) return 'end of input';
    if (c === '\n') return 'end of line';
    return `unexpected ${JSON.stringify(c)}`;
  }

  private fail(what: string): never {
    throw new Failure(located(what, this.line, this.column()));
  }
}

function located(what: string, line: number, column: number): TemplateSyntaxError {
  return { message: `${what} at line ${line}, column ${column}`, line, column };
}
