import { readLeadingFloat, readLeadingInt } from './numeric-read.ts';
import { isSingle, isVector, type Template, type TemplateAttribute, type VectorAttribute } from './template.ts';

/**
 * Case-insensitive reads, as 1.4's Template::get: names are upper-cased
 * before the lookup. A single read ignores vectors of the same name, and a
 * vector read ignores singles.
 */

export function getAttributes(template: Template, name: string): TemplateAttribute[] {
  const upper = name.toUpperCase();
  return template.attributes.filter((a) => a.name === upper);
}

export function hasAttribute(template: Template, name: string): boolean {
  const upper = name.toUpperCase();
  return template.attributes.some((a) => a.name === upper);
}

/** Value of the first single attribute called `name`. */
export function getSingle(template: Template, name: string): string | undefined {
  const upper = name.toUpperCase();
  for (const a of template.attributes) if (a.name === upper && isSingle(a)) return a.value;
  return undefined;
}

export function getVectors(template: Template, name: string): VectorAttribute[] {
  const upper = name.toUpperCase();
  return template.attributes.filter((a): a is VectorAttribute => a.name === upper && isVector(a));
}

export function getFirstVector(template: Template, name: string): VectorAttribute | undefined {
  return getVectors(template, name)[0];
}

/** Missing, empty or non-numeric → 0, as 1.4 did. */
export function getInt(template: Template, name: string): number {
  return readLeadingInt(getSingle(template, name));
}

/** Missing, empty or non-numeric → 0. */
export function getFloat(template: Template, name: string): number {
  return readLeadingFloat(getSingle(template, name));
}

export function vectorValue(vector: VectorAttribute, sub: string): string | undefined {
  const upper = sub.toUpperCase();
  for (const [k, v] of vector.pairs) if (k === upper) return v;
  return undefined;
}
