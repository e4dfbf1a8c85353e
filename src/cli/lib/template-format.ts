import { isXmlObject, type XmlNode } from './one-xml.ts';
import { safeText } from './safe-text.ts';

/**
 * Prints a TEMPLATE element as `NAME=VALUE` lines, and vector attributes as
 * `NAME=[ K=V, … ]` (the 1.4 `template_str`). With `indent`, each vector
 * member goes on its own line, as `onevm show` and `onehost show` print it.
 */
export function formatTemplate(template: XmlNode | undefined, indent = true): string {
  if (!isXmlObject(template)) return '';
  const lines: string[] = [];
  for (const [name, value] of Object.entries(template)) {
    for (const item of Array.isArray(value) ? value : [value]) lines.push(formatAttribute(name, item, indent));
  }
  return lines.join('\n');
}

function formatAttribute(name: string, value: XmlNode, indent: boolean): string {
  if (!isXmlObject(value)) return `${name}=${flatText(value)}`;
  const members = Object.entries(value).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((item) => `${k}=${flatText(item)}`),
  );
  return indent
    ? `${name}=[\n${members.map((m) => `  ${m}`).join(',\n')} ]`
    : `${name}=[ ${members.join(', ')} ]`;
}

// Vector members are leaves in OpenNebula templates; anything deeper is
// printed flat rather than dropped.
function flatText(value: XmlNode): string {
  if (typeof value === 'string') return safeText(value);
  if (Array.isArray(value)) return value.map(flatText).join(',');
  return Object.entries(value).map(([k, v]) => `${k}=${flatText(v)}`).join(',');
}
