import { escapeXml } from './escape-xml.ts';
import { isVector, type Template, type TemplateAttribute } from './template.ts';

const byName = <T extends { readonly name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The `<TEMPLATE>` element of the info documents (spec §3.5): attributes
 * sorted by name (1.4 emitted its multimap in key order; repeats keep their
 * template order, as the sort is stable), a vector as a nested element whose
 * children are its sub-attributes sorted by name. No whitespace between
 * elements. Unlike 1.4, values are escaped.
 */
export function templateToXml(template: Template): string {
  return `<TEMPLATE>${template.attributes.slice().sort(byName).map(attributeToXml).join('')}</TEMPLATE>`;
}

export function attributeToXml(attribute: TemplateAttribute): string {
  if (!isVector(attribute)) return element(attribute.name, escapeXml(attribute.value));
  const children = attribute.pairs
    .map(([name, value]) => ({ name, value }))
    .sort(byName)
    .map((p) => element(p.name, escapeXml(p.value)))
    .join('');
  return element(attribute.name, children);
}

const element = (name: string, content: string) => `<${name}>${content}</${name}>`;
