import { single, type Template, type TemplateAttribute, type VectorAttribute } from './template.ts';

/**
 * Immutable edits the core makes to templates (adding VMID, rewriting NICs
 * after leasing, dropping CONTEXT before storing …). Each returns a new
 * template and leaves the argument untouched.
 */

/** Sets a single attribute: replaces the first `name` in place and drops the rest, or appends. */
export function setSingle(template: Template, name: string, value: string): Template {
  return replaceAll(template, single(name, value));
}

/** Same as setSingle for any attribute kind (the replace-mode rule). */
export function replaceAll(template: Template, attribute: TemplateAttribute): Template {
  const out: TemplateAttribute[] = [];
  let placed = false;
  for (const a of template.attributes) {
    if (a.name !== attribute.name) out.push(a);
    else if (!placed) {
      out.push(attribute);
      placed = true;
    }
  }
  if (!placed) out.push(attribute);
  return { attributes: out };
}

export function appendAttribute(template: Template, attribute: TemplateAttribute): Template {
  return { attributes: [...template.attributes, attribute] };
}

export function removeAttributes(template: Template, name: string): Template {
  const upper = name.toUpperCase();
  return { attributes: template.attributes.filter((a) => a.name !== upper) };
}

/** Replaces the attribute at `index` of template.attributes (e.g. the i-th NIC once leased). */
export function replaceAttributeAt(template: Template, index: number, attribute: TemplateAttribute): Template {
  if (index < 0 || index >= template.attributes.length) return template;
  const out = template.attributes.slice();
  out[index] = attribute;
  return { attributes: out };
}

/** Sets one sub-attribute of a vector, in place if present, appended otherwise. */
export function setVectorValue(vector: VectorAttribute, sub: string, value: string): VectorAttribute {
  const upper = sub.toUpperCase();
  const present = vector.pairs.some(([k]) => k === upper);
  const pairs = present
    ? vector.pairs.map(([k, v]) => [k, k === upper ? value : v] as const)
    : [...vector.pairs, [upper, value] as const];
  return { name: vector.name, pairs };
}
