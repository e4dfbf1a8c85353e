import { XMLValidator } from 'fast-xml-parser';
import { findForbiddenCharacter } from '../../inputs/xml-characters.ts';

/**
 * RAW DATA for kvm is written verbatim inside `<domain>` (spec §4.4.1): the
 * one deliberate pass-through. It may say anything libvirt understands, but
 * it must not be able to end the domain element early or smuggle in a
 * DOCTYPE, so it must be a well-formed XML fragment by itself: elements,
 * attributes, text, the five predefined entities and character references.
 * Comments, CDATA, processing instructions and declarations are refused (a
 * RAW section has no use for them, and refusing them keeps this check small).
 *
 * fast-xml-parser's validator is lenient (it accepts `&foo;` and `<` inside
 * attribute values), so this scanner checks the strict rules itself, and the
 * validator must agree too.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?/;
const REFERENCE = /^&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));/;
const BLANKS = /^[ \t\r\n]*/;

const isXmlChar = (c: number) => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

interface Open {
  readonly name: string;
  readonly prefixes: ReadonlySet<string>;
}

/** What is wrong with `data` as a RAW fragment, or undefined when it may be written. */
export function rawXmlProblem(data: string): string | undefined {
  const bad = findForbiddenCharacter(data);
  if (bad) return `contains ${bad.description}, a character XML 1.0 does not allow`;
  const scanned = scan(data);
  if (scanned) return scanned;
  const validated = XMLValidator.validate(`<raw>${data}</raw>`);
  return validated === true ? undefined : `is not well-formed XML: ${validated.err.msg}`;
}

function scan(data: string): string | undefined {
  const open: Open[] = [{ name: '', prefixes: new Set(['xml']) }];
  let i = 0;
  while (i < data.length) {
    const c = data[i];
    if (c === '&') {
      const problem = reference(data.slice(i));
      if (typeof problem === 'string') return problem;
      i += problem;
    } else if (c === '<') {
      const rest = data.slice(i);
      if (rest.startsWith('<!') || rest.startsWith('<?')) return 'may hold only elements, attributes and text (no comments, CDATA, declarations or processing instructions)';
      const tag = rest.startsWith('</') ? closeTag(rest, open) : openTag(rest, open);
      if (typeof tag === 'string') return tag;
      i += tag;
    } else {
      if (c === '>' && data.startsWith(']]>', i - 2)) return 'may not contain ]]> in text';
      i += 1;
    }
  }
  return open.length > 1 ? `leaves <${open[open.length - 1].name}> open` : undefined;
}

/** Length of a valid reference at the start of `text`, or the problem. */
function reference(text: string): number | string {
  const m = REFERENCE.exec(text);
  if (!m) return 'has an & that does not start &amp; &lt; &gt; &quot; &apos; or a character reference';
  if (!m[1] && !isXmlChar(parseInt(m[2] ?? m[3], m[2] ? 10 : 16))) return `has a character reference to a character XML does not allow (${m[0]})`;
  return m[0].length;
}

function closeTag(text: string, open: Open[]): number | string {
  const name = NAME.exec(text.slice(2))?.[0];
  const top = open[open.length - 1];
  if (!name || name !== top.name) return `closes </${name ?? ''}> where ${top.name ? `<${top.name}>` : 'nothing'} is open`;
  const after = 2 + name.length;
  const blanks = BLANKS.exec(text.slice(after))?.[0].length ?? 0;
  if (text[after + blanks] !== '>') return `has a broken closing tag </${name}>`;
  open.pop();
  return after + blanks + 1;
}

function openTag(text: string, open: Open[]): number | string {
  const name = NAME.exec(text.slice(1))?.[0];
  if (!name) return 'has a < that starts no element (write &lt;)';
  let i = 1 + name.length;
  const attributes = new Map<string, string>();
  for (;;) {
    const blanks = BLANKS.exec(text.slice(i))?.[0].length ?? 0;
    i += blanks;
    if (text.startsWith('/>', i) || text[i] === '>') break;
    const attr = NAME.exec(text.slice(i))?.[0];
    if (!attr || blanks === 0) return `has a broken tag <${name}>`;
    i += attr.length;
    const m = /^[ \t\r\n]*=[ \t\r\n]*("[^"<]*"|'[^'<]*')/.exec(text.slice(i));
    if (!m) return `has a broken attribute ${attr} in <${name}> (a value is quoted and holds no <)`;
    if (attributes.has(attr)) return `repeats attribute ${attr} in <${name}>`;
    const value = m[1].slice(1, -1);
    for (let j = value.indexOf('&'); j >= 0; j = value.indexOf('&', j + 1)) {
      const problem = reference(value.slice(j));
      if (typeof problem === 'string') return problem;
    }
    attributes.set(attr, value);
    i += m[0].length;
  }
  const prefixes = new Set(open[open.length - 1].prefixes);
  for (const [attr, value] of attributes) {
    if (!attr.startsWith('xmlns:')) continue;
    const declared = attr.slice(6);
    if (declared === 'xml' || declared === 'xmlns' || value === '') return `has a namespace declaration XML does not allow (${attr})`;
    prefixes.add(declared);
  }
  if (name.startsWith('xmlns:')) return `uses the reserved prefix xmlns on <${name}>`;
  for (const used of [name, ...attributes.keys()]) {
    const prefix = used.includes(':') ? used.slice(0, used.indexOf(':')) : undefined;
    if (prefix !== undefined && prefix !== 'xmlns' && !prefixes.has(prefix)) return `uses the namespace prefix ${prefix} without declaring it (xmlns:${prefix}="…")`;
  }
  if (text.startsWith('/>', i)) return i + 2;
  open.push({ name, prefixes });
  return i + 1;
}
