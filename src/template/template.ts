/**
 * The OpenNebula template model (spec §8.1): an ordered list of attributes.
 * Order matters because DISK/NIC/IM_MAD… repeat and their position is
 * meaningful (disk.<i> numbering, driver start order). Names are upper-case.
 */
export interface SingleAttribute {
  readonly name: string;
  readonly value: string;
}

export interface VectorAttribute {
  readonly name: string;
  /** Sub-attributes in written order; sub-names are upper-case and unique. */
  readonly pairs: readonly (readonly [string, string])[];
}

export type TemplateAttribute = SingleAttribute | VectorAttribute;

export interface Template {
  readonly attributes: readonly TemplateAttribute[];
}

export const emptyTemplate: Template = { attributes: [] };

export const isVector = (a: TemplateAttribute): a is VectorAttribute => 'pairs' in a;
export const isSingle = (a: TemplateAttribute): a is SingleAttribute => 'value' in a;

/** Names in the template language: `[A-Za-z0-9_]+`. */
export const isValidAttributeName = (name: string): boolean => /^[A-Za-z0-9_]+$/.test(name);

export const single = (name: string, value: string): SingleAttribute => ({ name: name.toUpperCase(), value });

/**
 * Builds a vector the way the parser would: sub-names upper-cased and a
 * repeated sub-name keeps its first value (1.4 inserted into a std::map).
 */
export function vector(name: string, pairs: Iterable<readonly [string, string]>): VectorAttribute {
  const seen = new Set<string>();
  const kept: (readonly [string, string])[] = [];
  for (const [sub, value] of pairs) {
    const upper = sub.toUpperCase();
    if (seen.has(upper)) continue;
    seen.add(upper);
    kept.push([upper, value]);
  }
  return { name: name.toUpperCase(), pairs: kept };
}

export const template = (attributes: readonly TemplateAttribute[]): Template => ({ attributes });
