import type { TemplateAttribute, TemplateView } from '../views.ts';
import { leaf, node } from './xml.ts';

// Byte order like the std::multimap of 1.4, not locale order.
const byName = (a: { readonly name: string }, b: { readonly name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

function attribute(a: TemplateAttribute): string {
  if ('pairs' in a) return node(a.name, [...a.pairs].sort(byName).map((p) => leaf(p.name, p.value)).join(''));
  return leaf(a.name, a.value);
}

/**
 * `<TEMPLATE>` as §3.5 prints it: attributes sorted by name (repeated names
 * keep their order), vector members sorted by name. A pre-rendered string
 * is trusted and inserted as is.
 */
export function templateXml(template: TemplateView): string {
  if (typeof template === 'string') return template;
  return node('TEMPLATE', [...template].sort(byName).map(attribute).join(''));
}
