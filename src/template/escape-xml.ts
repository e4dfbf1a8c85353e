import { replaceForbiddenCharacters } from '../inputs/xml-characters.ts';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A raw CR would be turned into LF by any XML reader; the reference keeps it.
  '\r': '&#13;',
};

/**
 * Escapes text for an XML element or attribute value. 1.4 wrote values raw
 * (spec §3.5, §12.1 #8), so a `<` in a template broke every client; we
 * escape. Characters XML cannot represent become U+FFFD, so the document
 * stays well-formed whatever a template holds.
 */
export function escapeXml(text: string): string {
  return replaceForbiddenCharacters(text).replace(/[&<>"'\r]/g, (c) => ENTITIES[c]);
}
