import type { Command } from 'commander';
import { allocateFromFile } from './lib/allocate.ts';
import type { CliContext } from './lib/cli-context.ts';
import { parseOneXml, poolEntries, xmlText } from './lib/one-xml.ts';
import { poolFilter } from './lib/pool-filter.ts';
import { resolveIds } from './lib/resolve.ts';
import { forEachId, type ToolDefinition } from './lib/run-tool.ts';
import { showDocuments } from './lib/show-documents.ts';
import { describeColumns, renderTable } from './lib/table.ts';
import { vnetTable } from './tables/vnet-table.ts';
import { formatVnetShow } from './views/vnet-view.ts';

function register(program: Command, ctx: CliContext): void {
  program
    .command('create')
    .description('creates a virtual network from a template file (one.vn.allocate)')
    .argument('<template>')
    .action((file: string) => allocateFromFile(ctx, 'one.vn.allocate', file));

  program
    .command('show')
    .description('shows information about virtual networks')
    .argument('<vnet...>')
    .action((args: string[]) => showDocuments(ctx, 'vnet', args, 'one.vn.info', 'VNET', formatVnetShow));

  program
    .command('delete')
    .description('removes virtual networks (refused while leases are in use, unless oneadmin passes --force)')
    .argument('<vnet...>')
    .option('--force', 'delete even with leases in use (oneadmin only)')
    .action(async (args: string[], opts: { force?: boolean }) => {
      const ids = await resolveIds(ctx.client, 'vnet', args);
      await forEachId(ctx, ids, async (id) => {
        if (opts.force) await ctx.client.call('one.vn.delete', id, true);
        else await ctx.client.call('one.vn.delete', id);
        ctx.verbose(`Virtual network ${id} deleted`);
      });
    });

  // one.vn.publish is a 2.0 call; 1.4 oned answers it with an error.
  for (const [name, publish] of [['publish', true], ['unpublish', false]] as const) {
    program
      .command(name)
      .description(`${publish ? 'makes' : 'stops making'} a virtual network usable by every user (one.vn.publish, 2.0+)`)
      .argument('<vnet...>')
      .action(async (args: string[]) => {
        const ids = await resolveIds(ctx.client, 'vnet', args);
        await forEachId(ctx, ids, async (id) => {
          await ctx.client.call('one.vn.publish', id, publish);
          ctx.verbose(`Virtual network ${id} ${publish ? 'published' : 'unpublished'}`);
        });
      });
  }

  program
    .command('list')
    .description('lists virtual networks: a|all (default), m|mine, <uid> or <username>')
    .argument('[who]')
    .action(async (who?: string) => {
      const { filter, username } = poolFilter(who);
      const xml = await ctx.client.callString('one.vnpool.info', filter);
      if (ctx.options.xml) return ctx.print(xml);
      const vnets = poolEntries(parseOneXml(xml), 'VNET_POOL', 'VNET').filter(
        (n) => !username || xmlText(n, 'USERNAME') === username,
      );
      if (ctx.options.json) return ctx.print(JSON.stringify({ VNET_POOL: { VNET: vnets } }));
      ctx.print(renderTable(vnetTable, vnets, ctx.tableOptions()));
    });
}

export const onevnet: ToolDefinition = {
  name: 'onevnet',
  description: 'Manages OpenNebula virtual networks',
  register,
  listColumns: () => describeColumns(vnetTable),
};
