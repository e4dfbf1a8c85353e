import type { Command } from 'commander';
import { printAllocated } from './lib/allocate.ts';
import type { CliContext } from './lib/cli-context.ts';
import { parseOneXml, poolEntries, rootOf, xmlInt } from './lib/one-xml.ts';
import { resolveIds } from './lib/resolve.ts';
import { forEachId, type ToolDefinition } from './lib/run-tool.ts';
import { showDocuments } from './lib/show-documents.ts';
import { describeColumns, renderTable } from './lib/table.ts';
import { runTop } from './lib/top.ts';
import { hostTable } from './tables/host-table.ts';
import { formatHostShow } from './views/host-view.ts';

async function renderList(ctx: CliContext): Promise<string> {
  const xml = await ctx.client.callString('one.hostpool.info');
  if (ctx.options.xml) return xml;
  const doc = parseOneXml(xml);
  if (ctx.options.json) return JSON.stringify(doc);
  return renderTable(hostTable, poolEntries(doc, 'HOST_POOL', 'HOST'), ctx.tableOptions());
}

/** 1.4's delete: a host that still runs VMs is disabled, not removed (§10.3). */
async function deleteHost(ctx: CliContext, id: number): Promise<void> {
  const host = rootOf(parseOneXml(await ctx.client.callString('one.host.info', id)), 'HOST');
  const running = xmlInt(host, 'HOST_SHARE/RUNNING_VMS');
  if (running !== 0) {
    await ctx.client.call('one.host.enable', id, false);
    ctx.print(`Host ${id} still has associated VMs (${running}), disabling it instead of deleting it.`);
    return;
  }
  await ctx.client.call('one.host.delete', id);
  ctx.verbose(`Host ${id} deleted`);
}

function register(program: Command, ctx: CliContext): void {
  program
    .command('create')
    .alias('add')
    .description('adds a host (one.host.allocate)')
    .argument('<hostname>')
    .argument('<im_mad>')
    .argument('<vmm_mad>')
    .argument('<tm_mad>')
    .action(async (hostname: string, im: string, vmm: string, tm: string) => {
      printAllocated(ctx, await ctx.client.callId('one.host.allocate', hostname, im, vmm, tm));
    });

  program
    .command('show')
    .description('shows information about hosts')
    .argument('<host...>')
    .action((args: string[]) => showDocuments(ctx, 'host', args, 'one.host.info', 'HOST', formatHostShow));

  program
    .command('delete')
    .description('removes hosts (disables those that still have VMs)')
    .argument('<host...>')
    .action(async (args: string[]) => {
      const ids = await resolveIds(ctx.client, 'host', args);
      await forEachId(ctx, ids, (id) => deleteHost(ctx, id));
    });

  for (const [name, enable] of [['enable', true], ['disable', false]] as const) {
    program
      .command(name)
      .description(enable ? 'enables hosts (monitoring resumes)' : 'disables hosts (no monitoring, no scheduling)')
      .argument('<host...>')
      .action(async (args: string[]) => {
        const ids = await resolveIds(ctx.client, 'host', args);
        await forEachId(ctx, ids, async (id) => {
          await ctx.client.call('one.host.enable', id, enable);
          ctx.verbose(`Host ${id} ${enable ? 'enabled' : 'disabled'}`);
        });
      });
  }

  program
    .command('list')
    .description('lists hosts')
    .action(async () => ctx.print(await renderList(ctx)));

  program
    .command('top')
    .description('lists hosts continuously')
    .action(async () => runTop(ctx, () => renderList(ctx)));
}

export const onehost: ToolDefinition = {
  name: 'onehost',
  description: 'Manages OpenNebula hosts',
  register,
  listColumns: () => describeColumns(hostTable),
};
