import { replaceForbiddenCharacters } from '../../inputs/xml-characters.ts';

/**
 * Escapes character data for XML text content. Besides the markup
 * characters, CR is written as a character reference so that it survives
 * end-of-line normalisation and reaches the peer unchanged. Characters XML
 * 1.0 forbids (NUL, the other C0 controls, U+FFFE/U+FFFF, lone surrogates)
 * cannot be written at all, not even as references: they become U+FFFD, so
 * that whatever a value holds, every message and document stays well formed
 * for strict parsers such as expat. oned refuses such characters in every
 * input, so this is only a safety net.
 */
const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/;

export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  // Native replaceAll is several times faster than a regex calling back per
  // character on the common case: a whole XML document sent as a string.
  return replaceForbiddenCharacters(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\r', '&#xd;');
}
