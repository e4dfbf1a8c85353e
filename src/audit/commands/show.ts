import { InvalidArgumentError, type Command } from 'commander';
import { parseOneXml, rootOf } from '../../cli/lib/one-xml.ts';
import { renderTable } from '../../cli/lib/table.ts';
import { userTable } from '../../cli/tables/user-table.ts';
import { formatHostShow } from '../../cli/views/host-view.ts';
import { formatVmShow } from '../../cli/views/vm-view.ts';
import { formatVnetShow } from '../../cli/views/vnet-view.ts';
import { describeAt, type AtInstant } from '../at-instant.ts';
import { AT_HELP, atOption } from '../at-option.ts';
import type { AuditContext } from '../audit-context.ts';
import { foldTo } from '../fold-to.ts';
import { infoDocument, OBJECT_KINDS, type ObjectKind } from '../world-documents.ts';

const ROOTS: Record<ObjectKind, string> = { vm: 'VM', host: 'HOST', vnet: 'VNET', user: 'USER' };
const NAMES: Record<ObjectKind, string> = { vm: 'VM', host: 'host', vnet: 'virtual network', user: 'user' };

/** The human view `onevm show` (…) prints; oneuser has no show, so a user is its one-row list. */
function humanView(kind: ObjectKind, xml: string): string {
  const root = rootOf(parseOneXml(xml), ROOTS[kind]);
  switch (kind) {
    case 'vm':
      return formatVmShow(root);
    case 'host':
      return formatHostShow(root);
    case 'vnet':
      return formatVnetShow(root);
    case 'user':
      return renderTable(userTable, [root]);
  }
}

export function objectKind(text: string): ObjectKind {
  if (!(OBJECT_KINDS as readonly string[]).includes(text)) throw new InvalidArgumentError(`the kind must be one of ${OBJECT_KINDS.join(', ')}`);
  return text as ObjectKind;
}

export function objectId(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new InvalidArgumentError('the id must be a number');
  return Number(text);
}

/** `oneaudit show vm 42 --at <time|seq>`: one object as `onevm show` (or -x, one.vm.info) would have printed it then. */
export function registerShow(program: Command, ctx: AuditContext): void {
  program
    .command('show')
    .description('shows one VM, host, network or user as it stood at --at (default: the end of the log)')
    .argument('<kind>', OBJECT_KINDS.join(' | '), objectKind)
    .argument('<id>', 'the object id', objectId)
    .option('--at <time|seq>', `replay up to ${AT_HELP}`, atOption)
    .option('-x, --xml', 'the info document (one.vm.info, one.host.info, one.vn.info, one.user.info)')
    .action(async (kind: ObjectKind, id: number, options: { at?: AtInstant; xml?: boolean }) => {
      const world = await foldTo(ctx, options.at);
      const xml = infoDocument(world, kind, id);
      const when = options.at ? describeAt(options.at) : 'the end of the log';
      if (xml === undefined) throw new Error(`${NAMES[kind]} ${id} does not exist at ${when}`);
      ctx.print(options.xml ? xml : humanView(kind, xml));
    });
}
