import type { Command } from 'commander';
import { sha1Hex } from './lib/auth.ts';
import { printAllocated } from './lib/allocate.ts';
import type { CliContext } from './lib/cli-context.ts';
import { CliError } from './lib/cli-error.ts';
import { parseOneXml, poolEntries } from './lib/one-xml.ts';
import { resolveIds, resolveOne } from './lib/resolve.ts';
import { forEachId, type ToolDefinition } from './lib/run-tool.ts';
import { describeColumns, renderTable } from './lib/table.ts';
import { userTable } from './tables/user-table.ts';

/** 1.4 asks for a typed YES before deleting a user who still owns VMs. */
async function confirmDelete(ctx: CliContext, id: number): Promise<boolean> {
  const vms = poolEntries(parseOneXml(await ctx.client.callString('one.vmpool.info', id)), 'VM_POOL', 'VM');
  if (vms.length === 0) return true;
  ctx.io.stdout.write(`User ${id} still has ${vms.length} VM(s). Type YES to delete it: `);
  const answer = ctx.io.readLine ? await ctx.io.readLine() : '';
  return answer.trim() === 'YES';
}

function register(program: Command, ctx: CliContext): void {
  program
    .command('create')
    .description('creates a user; the password is sent as its SHA-1')
    .argument('<name>')
    .argument('<password>')
    .action(async (name: string, password: string) => {
      printAllocated(ctx, await ctx.client.callId('one.user.allocate', name, sha1Hex(password)));
    });

  program
    .command('delete')
    .description('removes users')
    .argument('<user...>')
    .action(async (args: string[]) => {
      const ids = await resolveIds(ctx.client, 'user', args);
      await forEachId(ctx, ids, async (id) => {
        if (!(await confirmDelete(ctx, id))) throw new CliError(`user ${id} not deleted`);
        await ctx.client.call('one.user.delete', id);
        ctx.verbose(`User ${id} deleted`);
      });
    });

  program
    .command('passwd')
    .description('changes the password of a user (one.user.passwd, 2.0+)')
    .argument('<user>')
    .argument('<password>')
    .action(async (user: string, password: string) => {
      const id = await resolveOne(ctx.client, 'user', user);
      await ctx.client.call('one.user.passwd', id, sha1Hex(password));
      ctx.verbose(`Password of user ${id} changed`);
    });

  for (const [name, enable] of [['enable', true], ['disable', false]] as const) {
    program
      .command(name)
      .description(`${name}s users (one.user.enable, later API)`)
      .argument('<user...>')
      .action(async (args: string[]) => {
        const ids = await resolveIds(ctx.client, 'user', args);
        await forEachId(ctx, ids, async (id) => {
          await ctx.client.call('one.user.enable', id, enable);
          ctx.verbose(`User ${id} ${enable ? 'enabled' : 'disabled'}`);
        });
      });
  }

  program
    .command('list')
    .description('lists users')
    .action(async () => {
      const xml = await ctx.client.callString('one.userpool.info');
      if (ctx.options.xml) return ctx.print(xml);
      const doc = parseOneXml(xml);
      if (ctx.options.json) return ctx.print(JSON.stringify(doc));
      ctx.print(renderTable(userTable, poolEntries(doc, 'USER_POOL', 'USER'), ctx.tableOptions()));
    });
}

export const oneuser: ToolDefinition = {
  name: 'oneuser',
  description: 'Manages OpenNebula users',
  register,
  listColumns: () => describeColumns(userTable),
};
