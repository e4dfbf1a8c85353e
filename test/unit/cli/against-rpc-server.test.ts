process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../../src/cli/lib/cli-context.ts';
import { runTool, type ToolDefinition } from '../../../src/cli/lib/run-tool.ts';
import { onehost } from '../../../src/cli/onehost.ts';
import { oneuser } from '../../../src/cli/oneuser.ts';
import { onevm } from '../../../src/cli/onevm.ts';
import { startHarness, type Harness } from '../rpc/rpc-test-server.ts';

/**
 * The CLI against the real XML-RPC server of src/rpc (over an in-memory
 * core): checks that what the CLI sends and what it parses agree with the
 * server's method table and documents, over real HTTP.
 */
const dir = mkdtempSync(join(tmpdir(), 'one-cli-rpc-'));
let harness: Harness;
const adminAuth = join(dir, 'admin_auth');
writeFileSync(adminAuth, 'oneadmin:adminpass\n');

before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(tool: ToolDefinition, argv: string[], auth = adminAuth) {
  const out = { code: -1, stdout: '', stderr: '' };
  const io: CliIo = {
    env: { ONE_XMLRPC: harness.url, ONE_AUTH: auth },
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    now: () => 2000,
  };
  out.code = await runTool(tool, argv, io);
  return out;
}

describe('CLI ↔ src/rpc server', () => {
  it('creates a VM, finds it by name, holds it and lists it', async () => {
    const file = join(dir, 'vm.one');
    writeFileSync(file, 'NAME = "web"\nMEMORY = 64\n');
    const created = await cli(onevm, ['create', '-v', file]);
    assert.equal(created.code, 0, created.stderr);
    const id = Number(/^ID: (\d+)$/m.exec(created.stdout)?.[1]);
    assert.ok(Number.isInteger(id));
    const vm = harness.core.vm(id);
    assert.ok(vm);
    const held = await cli(onevm, ['hold', vm.name]);
    assert.equal(held.code, 0, held.stderr);
    assert.ok(harness.core.commands.some((c) => c.includes('hold')), harness.core.commands.join('\n'));
    const list = await cli(onevm, ['list', '-l', 'id,user,name']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^ +${id} oneadmin `, 'm'));
  });

  it('shows a VM with its template', async () => {
    const id = harness.core.addVm(0);
    const show = await cli(onevm, ['show', String(id)]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`^VIRTUAL MACHINE ${id} INFORMATION\nID +: ${id}\n`));
    assert.match(show.stdout, /^MEMORY=64$/m);
  });

  it('adds and lists hosts; users are created with the hashed password and can log in', async () => {
    const added = await cli(onehost, ['create', 'node7', 'im_kvm', 'vmm_kvm', 'tm_ssh']);
    assert.equal(added.code, 0, added.stderr);
    const hosts = await cli(onehost, ['list', '-l', 'name,stat']);
    assert.match(hosts.stdout, /^node7 +on$/m);
    const user = await cli(oneuser, ['create', 'helen', 's3cret']);
    assert.equal(user.code, 0, user.stderr);
    const helenAuth = join(dir, 'helen_auth');
    writeFileSync(helenAuth, 'helen:s3cret\n');
    const mine = await cli(onevm, ['list', 'mine'], helenAuth);
    assert.equal(mine.code, 0, mine.stderr);
    assert.equal(mine.stdout.trim().split('\n').length, 1);
  });

  it('prints the server’s message for a bad login and exits 255', async () => {
    const wrong = join(dir, 'wrong_auth');
    writeFileSync(wrong, 'oneadmin:nope\n');
    const run = await cli(onevm, ['list'], wrong);
    assert.equal(run.code, 255);
    assert.match(run.stderr, /^Error: .+\n$/);
    assert.equal(run.stdout, '');
  });
});
