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

export function escapeXml(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPABLE, replacement) : text;
}
