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
 * Characters XML 1.0 cannot carry at all, not even as a character
 * reference: C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, and lone
 * surrogate halves.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text for an XML element or attribute value. 1.4 wrote values raw
 * (spec §3.5, §12.1 #8), so a `<` in a template broke every client; we
 * escape. Characters XML cannot represent become U+FFFD, so the document
 * stays well-formed whatever a template holds.
 */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"'\r]/g, (c) => ENTITIES[c]);
}
