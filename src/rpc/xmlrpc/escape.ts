/**
 * Escapes character data for XML text content. Besides the markup
 * characters, CR and the C0 controls are written as character references so
 * that they survive end-of-line normalisation and reach the peer unchanged.
 */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f]/;
// eslint-disable-next-line no-control-regex
const ESCAPABLE = /[&<>\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f]/g;

const replacement = (ch: string): string => {
  switch (ch) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    default:
      return `&#x${ch.charCodeAt(0).toString(16)};`;
  }
};

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f]/;

export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  // The common case (a whole XML document sent as a string, megabytes of
  // markup and no control characters) goes through native replaceAll, which
  // is several times faster than a regex calling back per character.
  if (!CONTROL.test(text)) return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return text.replace(ESCAPABLE, replacement);
}
