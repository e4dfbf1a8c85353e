import type { CliContext } from './cli-context.ts';
import { parseOneXml, rootOf, type XmlObject } from './one-xml.ts';
import { resolveIds, type PoolKind } from './resolve.ts';
import { forEachId } from './run-tool.ts';

type View = (root: XmlObject, decorate: boolean) => string;

/** `onevm show`, `onehost show`, `onevnet show`: resolve names and ranges, then print each object's document. */
export async function showDocuments(
  ctx: CliContext,
  kind: PoolKind,
  args: readonly string[],
  infoMethod: string,
  rootName: string,
  view: View,
): Promise<void> {
  const ids = await resolveIds(ctx.client, kind, args);
  let first = true;
  await forEachId(ctx, ids, async (id) => {
    printDocument(ctx, await ctx.client.callString(infoMethod, id), rootName, view, first);
    first = false;
  });
}

/**
 * Prints one document per object in the mode the options ask for: raw XML
 * (-x), JSON (--json) or the human view. Human views are separated by a
 * blank line; XML and JSON print one document per line.
 */
export function printDocument(
  ctx: CliContext,
  xml: string,
  rootName: string,
  view: View,
  first: boolean,
): void {
  if (ctx.options.xml) return ctx.print(xml);
  const doc = parseOneXml(xml);
  if (ctx.options.json) return ctx.print(JSON.stringify(doc));
  if (!first) ctx.print('');
  ctx.print(view(rootOf(doc, rootName), ctx.decorate));
}
