import { isVector, type Template, type TemplateAttribute } from './template.ts';

/**
 * Writes a template back as template text that parseTemplate reads into an
 * equal template. Values are quoted only when they have to be, so simple
 * templates look hand-written. Names are assumed valid (`[A-Za-z0-9_]+`,
 * upper-case), as the parser and the `single`/`vector` builders make them.
 *
 * An empty vector cannot be written in the language (it is a syntax error),
 * so one that was built by hand is left out.
 */
export function serializeTemplate(template: Template): string {
  return template.attributes
    .filter((a) => !isVector(a) || a.pairs.length > 0)
    .map(serializeAttribute)
    .join('');
}

function serializeAttribute(attribute: TemplateAttribute): string {
  if (!isVector(attribute)) return `${attribute.name} = ${quoteValue(attribute.value)}\n`;
  const body = attribute.pairs.map(([sub, value]) => `  ${sub} = ${quoteValue(value)}`).join(',\n');
  return `${attribute.name} = [\n${body} ]\n`;
}

/** Characters that end an unquoted value, plus the two that quoting escapes. */
const NEEDS_QUOTES = /[ \t\r\n=#,[\]"\\]/;

export function quoteValue(value: string): string {
  if (value !== '' && !NEEDS_QUOTES.test(value)) return value;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
