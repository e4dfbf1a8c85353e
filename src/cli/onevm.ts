import type { Command } from 'commander';
import { allocateFromFile } from './lib/allocate.ts';
import type { CliContext } from './lib/cli-context.ts';
import { CliError } from './lib/cli-error.ts';
import { isXmlObject, parseOneXml, poolEntries, rootOf, xmlText, type XmlObject } from './lib/one-xml.ts';
import { poolFilter, vmStateArgument } from './lib/pool-filter.ts';
import { resolveIds, resolveOne } from './lib/resolve.ts';
import { forEachId, type ToolDefinition } from './lib/run-tool.ts';
import { showDocuments } from './lib/show-documents.ts';
import { describeColumns, renderTable } from './lib/table.ts';
import { runTop } from './lib/top.ts';
import { historyTable, type HistoryRow } from './tables/history-table.ts';
import { vmTable } from './tables/vm-table.ts';
import { formatVmShow } from './views/vm-view.ts';

/** `one.vm.action` verbs and the confirmation -v prints for each. */
const ACTIONS: ReadonlyArray<readonly [command: string, action: string, done: string]> = [
  ['shutdown', 'shutdown', 'Shutting down VM'],
  ['hold', 'hold', 'Setting VM to hold state'],
  ['release', 'release', 'Releasing VM'],
  ['stop', 'stop', 'Stopping VM'],
  ['cancel', 'cancel', 'Cancelling VM'],
  ['suspend', 'suspend', 'Suspending VM'],
  ['resume', 'resume', 'Resuming VM'],
  ['restart', 'restart', 'Restarting VM'],
  ['resubmit', 'resubmit', 'Resubmitting VM'],
  ['delete', 'finalize', 'VM correctly deleted'],
];

/** `--state` of list and top: the 2.0 state filter, when given. */
interface ListOptions {
  readonly state?: number;
}

async function listVms(ctx: CliContext, who: string | undefined, opts: ListOptions): Promise<{ xml: string; vms: XmlObject[] }> {
  const { filter, username } = poolFilter(who);
  // Without --state, the 1.4 form (every VM but DONE), so that a 1.4 oned still answers.
  const params = opts.state === undefined ? [filter] : [filter, false, opts.state];
  const xml = await ctx.client.callString('one.vmpool.info', ...params);
  const vms = poolEntries(parseOneXml(xml), 'VM_POOL', 'VM').filter((vm) => !username || xmlText(vm, 'USERNAME') === username);
  return { xml, vms };
}

async function renderList(ctx: CliContext, who: string | undefined, opts: ListOptions): Promise<string> {
  const { xml, vms } = await listVms(ctx, who, opts);
  if (ctx.options.xml) return xml;
  if (ctx.options.json) return JSON.stringify({ VM_POOL: { VM: vms } });
  return renderTable(vmTable(ctx.now()), vms, ctx.tableOptions());
}

async function historyRows(ctx: CliContext, args: readonly string[]): Promise<{ xmls: string[]; rows: HistoryRow[] }> {
  let xmls: string[];
  let vms: XmlObject[];
  if (args.length === 0) {
    xmls = [await ctx.client.callString('one.vmpool.info', -2)];
    vms = poolEntries(parseOneXml(xmls[0]), 'VM_POOL', 'VM');
  } else {
    const ids = await resolveIds(ctx.client, 'vm', args);
    xmls = await Promise.all(ids.map((id) => ctx.client.callString('one.vm.info', id)));
    vms = xmls.map((xml) => rootOf(parseOneXml(xml), 'VM'));
  }
  const rows = vms.flatMap((vm) => {
    const history = vm.HISTORY;
    return isXmlObject(history) ? [{ vmId: xmlText(vm, 'ID'), history }] : [];
  });
  return { xmls, rows };
}

/** Splits `<vm…> <host>`: every argument but the last names VMs. */
async function vmsAndHost(ctx: CliContext, args: readonly string[], command: string): Promise<{ vms: number[]; host: number }> {
  if (args.length < 2) throw new CliError(`${command} needs <vm…> <host>`);
  const host = await resolveOne(ctx.client, 'host', args[args.length - 1]);
  return { vms: await resolveIds(ctx.client, 'vm', args.slice(0, -1)), host };
}

function register(program: Command, ctx: CliContext): void {
  program
    .command('create')
    .alias('submit')
    .description('submits a new virtual machine (one.vm.allocate)')
    .argument('<template>', 'file with the VM template')
    .action((file: string) => allocateFromFile(ctx, 'one.vm.allocate', file));

  program
    .command('deploy')
    .description('starts a pending VM on a host')
    .argument('<vm_and_host...>', '<vm…> <host>')
    .action(async (args: string[]) => {
      const { vms, host } = await vmsAndHost(ctx, args, 'deploy');
      await forEachId(ctx, vms, async (id) => {
        await ctx.client.call('one.vm.deploy', id, host);
        ctx.verbose(`VM ${id}: Deploying VM`);
      });
    });

  for (const [name, live] of [['migrate', false], ['livemigrate', true]] as const) {
    program
      .command(name)
      .description(live ? 'migrates a running VM without downtime' : 'saves a running VM and restores it on another host')
      .argument('<vm_and_host...>', '<vm…> <host>')
      .action(async (args: string[]) => {
        const { vms, host } = await vmsAndHost(ctx, args, name);
        await forEachId(ctx, vms, async (id) => {
          await ctx.client.call('one.vm.migrate', id, host, live);
          ctx.verbose(`VM ${id}: Migrating VM`);
        });
      });
  }

  for (const [name, action, done] of ACTIONS) {
    program
      .command(name)
      .description(`one.vm.action "${action}"`)
      .argument('<vm...>', 'VM ids, names or ranges')
      .action(async (args: string[]) => {
        const ids = await resolveIds(ctx.client, 'vm', args);
        await forEachId(ctx, ids, async (id) => {
          await ctx.client.call('one.vm.action', action, id);
          if (ctx.options.json) ctx.print(JSON.stringify({ ID: id, action }));
          else ctx.verbose(`VM ${id}: ${done}`);
        });
      });
  }

  const stateOption = ['--state <state>', 'only VMs in this state: all (DONE too), done, pending, hold, active, stopped, suspended, failed (default: all but DONE)', vmStateArgument] as const;
  program
    .command('list')
    .description('lists VMs: a|all (default), m|mine, <uid> or <username>')
    .argument('[who]')
    .option(...stateOption)
    .action(async (who: string | undefined, opts: ListOptions) => ctx.print(await renderList(ctx, who, opts)));

  program
    .command('top')
    .description('lists VMs continuously (once when the output is not a terminal)')
    .argument('[who]')
    .option(...stateOption)
    .action(async (who: string | undefined, opts: ListOptions) => runTop(ctx, () => renderList(ctx, who, opts)));

  program
    .command('show')
    .description('shows information about VMs')
    .argument('<vm...>')
    .action((args: string[]) => showDocuments(ctx, 'vm', args, 'one.vm.info', 'VM', formatVmShow));

  program
    .command('history')
    .description('shows the latest history record of the given VMs, or of all')
    .argument('[vm...]')
    .action(async (args: string[]) => {
      const { xmls, rows } = await historyRows(ctx, args);
      if (ctx.options.xml) ctx.print(xmls.join('\n'));
      else if (ctx.options.json) ctx.print(JSON.stringify(rows.map((r) => ({ ID: r.vmId, HISTORY: r.history }))));
      else ctx.print(renderTable(historyTable(ctx.now()), rows, ctx.tableOptions()));
    });
}

export const onevm: ToolDefinition = {
  name: 'onevm',
  description: 'Manages OpenNebula virtual machines',
  register,
  listColumns: (argv) => (argv.includes('history') ? describeColumns(historyTable(0)) : describeColumns(vmTable(0))),
};
