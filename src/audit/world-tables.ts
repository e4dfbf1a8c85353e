import { parseOneXml, poolEntries } from '../cli/lib/one-xml.ts';
import { renderTable } from '../cli/lib/table.ts';
import { hostTable } from '../cli/tables/host-table.ts';
import { userTable } from '../cli/tables/user-table.ts';
import { vmTable } from '../cli/tables/vm-table.ts';
import { vnetTable } from '../cli/tables/vnet-table.ts';
import type { ObjectKind } from './world-documents.ts';

/**
 * The four listings of a replayed state, each rendered from its pool
 * document by the table `onevm list`, `onehost list`, `onevnet list` and
 * `oneuser list` use. `now` (epoch seconds) is the replayed instant, so the
 * TIME column counts up to it.
 */
export function worldTables(docs: Record<ObjectKind, string>, now: number): string {
  const section = (title: string, body: string) => `${title}\n${body}`;
  return [
    section('VIRTUAL MACHINES', renderTable(vmTable(now), poolEntries(parseOneXml(docs.vm), 'VM_POOL', 'VM'))),
    section('HOSTS', renderTable(hostTable, poolEntries(parseOneXml(docs.host), 'HOST_POOL', 'HOST'))),
    section('VIRTUAL NETWORKS', renderTable(vnetTable, poolEntries(parseOneXml(docs.vnet), 'VNET_POOL', 'VNET'))),
    section('USERS', renderTable(userTable, poolEntries(parseOneXml(docs.user), 'USER_POOL', 'USER'))),
  ].join('\n\n');
}
