import type { CliContext } from './cli-context.ts';
import { parseOneXml, rootOf, type XmlObject } from './one-xml.ts';

/**
 * Prints one document per object in the mode the options ask for: raw XML
 * (-x), JSON (--json) or the human view. Human views are separated by a
 * blank line; XML and JSON print one document per line.
 */
export function printDocument(
  ctx: CliContext,
  xml: string,
  rootName: string,
  view: (root: XmlObject, decorate: boolean) => string,
  first: boolean,
): void {
  if (ctx.options.xml) return ctx.print(xml);
  const doc = parseOneXml(xml);
  if (ctx.options.json) return ctx.print(JSON.stringify(doc));
  if (!first) ctx.print('');
  ctx.print(view(rootOf(doc, rootName), ctx.decorate));
}
