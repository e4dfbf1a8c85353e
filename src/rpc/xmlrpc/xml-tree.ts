/**
 * A deliberately small, strict XML reader for XML-RPC bodies. Written by hand
 * rather than configured from a general parser so that the attack surface is
 * obvious: DOCTYPE (and with it every user-defined entity) is refused, only
 * the five predefined entities and numeric references are decoded, nesting
 * depth is bounded, and anything not well formed is an error.
 */
export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

export class XmlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

const MAX_DEPTH = 256;
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTRIBUTE = /\s+([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("[^"<]*"|'[^'<]*')/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeCharacterData(raw: string, offset = 0): string {
  const normalised = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (!normalised.includes('&')) return normalised;
  // Fast path for what escapeXml writes most: only &lt; &gt; &amp; (and &quot; &apos;).
  if (!/&(?!(?:lt|gt|amp|quot|apos);)/.test(normalised)) {
    return normalised
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&quot;', '"')
      .replaceAll('&apos;', "'")
      .replaceAll('&amp;', '&');
  }
  return normalised.replace(/&([^;&\s]{0,10});?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new XmlSyntaxError('unterminated entity reference', offset);
    if (ref in PREDEFINED) return PREDEFINED[ref];
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (!numeric) throw new XmlSyntaxError(`unknown entity &${ref};`, offset);
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2], 10);
    if (code > 0x10ffff) throw new XmlSyntaxError(`invalid character reference &${ref};`, offset);
    // References to characters XML forbids (`&#0;`, a surrogate half) are
    // decoded as they are, so that the dispatcher refuses them with 0x1000 and
    // a message naming them, like the same characters sent raw.
    return code >= 0xd800 && code <= 0xdfff ? String.fromCharCode(code) : String.fromCodePoint(code);
  });
}

export function parseXmlTree(xml: string): XmlElement {
  let pos = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  const fail = (message: string): never => {
    throw new XmlSyntaxError(message, pos);
  };
  const skipUntil = (terminator: string): string => {
    const end = xml.indexOf(terminator, pos);
    if (end < 0) fail(`missing ${terminator}`);
    const body = xml.slice(pos, end);
    pos = end + terminator.length;
    return body;
  };
  const appendText = (text: string): void => {
    const parent = stack[stack.length - 1];
    if (parent) parent.text += text;
    else if (text.trim() !== '') fail('text outside the root element');
  };

  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    if (lt !== pos) {
      const end = lt < 0 ? xml.length : lt;
      const raw = xml.slice(pos, end);
      if (raw.includes(']]>')) fail("']]>' in character data");
      appendText(decodeCharacterData(raw, pos));
      pos = end;
      continue;
    }
    if (xml.startsWith('<!--', pos)) {
      pos += 4;
      if (skipUntil('-->').includes('--')) fail("'--' inside a comment");
    } else if (xml.startsWith('<![CDATA[', pos)) {
      pos += 9;
      if (stack.length === 0) fail('CDATA outside the root element');
      appendText(skipUntil(']]>').replace(/\r\n?/g, '\n'));
    } else if (xml.startsWith('<!', pos)) {
      fail('DOCTYPE and other declarations are not accepted');
    } else if (xml.startsWith('<?', pos)) {
      if (root || stack.length > 0) fail('processing instruction after the root element started');
      pos += 2;
      skipUntil('?>');
    } else if (xml.startsWith('</', pos)) {
      pos += 2;
      NAME.lastIndex = pos;
      const m = NAME.exec(xml) ?? fail('bad closing tag');
      pos = NAME.lastIndex;
      while (/\s/.test(xml[pos] ?? '')) pos++;
      if (xml[pos] !== '>') fail('bad closing tag');
      pos++;
      const open = stack.pop();
      if (!open || open.name !== m[0]) fail(`mismatched closing tag </${m[0]}>`);
    } else {
      pos += 1;
      NAME.lastIndex = pos;
      const m = NAME.exec(xml) ?? fail('bad element name');
      pos = NAME.lastIndex;
      const seen = new Set<string>();
      for (;;) {
        ATTRIBUTE.lastIndex = pos;
        const a = ATTRIBUTE.exec(xml);
        if (!a) break;
        if (seen.has(a[1])) fail(`duplicate attribute ${a[1]}`);
        seen.add(a[1]);
        decodeCharacterData(a[2], pos); // validates references; values are unused
        pos = ATTRIBUTE.lastIndex;
      }
      while (/\s/.test(xml[pos] ?? '')) pos++;
      const selfClosing = xml.startsWith('/>', pos);
      if (!selfClosing && xml[pos] !== '>') fail(`bad start tag <${m[0]}>`);
      pos += selfClosing ? 2 : 1;
      const element: XmlElement = { name: m[0], children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail('more than one root element');
      else root = element;
      if (!selfClosing) {
        if (stack.length >= MAX_DEPTH) fail('elements nested too deeply');
        stack.push(element);
      }
    }
  }
  if (stack.length > 0) fail(`unclosed element <${stack[stack.length - 1].name}>`);
  if (!root) fail('no root element');
  return root as XmlElement;
}
