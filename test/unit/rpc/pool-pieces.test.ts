/**
 * one.vmpool.info and one.hostpool.info are sent from pieces kept per view
 * object (src/rpc/documents/pool-pieces.ts). These tests run the real
 * services on a real SQLite log and check that a piece is reused while its
 * object is unchanged, rendered again after every kind of change (a VM's
 * state, its poll figures, its owner's name, its end; a host's monitoring,
 * enable and delete), that the owner filters still hold, and that the bytes
 * sent are those of the one-string document.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hostPoolDocument } from '../../../src/rpc/documents/host-document.ts';
import { vmPoolDocument } from '../../../src/rpc/documents/vm-document.ts';
import { methodTable } from '../../../src/rpc/methods/method-table.ts';
import { parseMethodResponse } from '../../../src/rpc/xmlrpc/decode.ts';
import { serializeMethodResponse, serializeMethodResponsePieces } from '../../../src/rpc/xmlrpc/encode.ts';
import { escapeXml } from '../../../src/rpc/xmlrpc/escape.ts';
import { EscapedText, type XmlRpcValue } from '../../../src/rpc/xmlrpc/value.ts';
import { startCoreRuntime, type CoreRuntime } from '../../model/support/core-runtime.ts';

const ONEADMIN = 0;
let runtime: CoreRuntime;
let dir: string;
let alice: number;

/** Calls a pool method as `caller`; the value must be pieces. */
async function pool(method: string, caller: number, ...args: (number | boolean)[]): Promise<EscapedText> {
  const m = methodTable.get(method)!;
  const [ok, value] = await m.invoke({ core: runtime.core, hashPassword: async () => '' }, caller, args);
  assert.equal(ok, true, String(value));
  assert.ok(value instanceof EscapedText, 'a pool answer is sent from pieces');
  return value;
}

/** The piece of the entry with this ID (pieces 1..n are the entries). */
function pieceOf(text: EscapedText, id: number): Uint8Array {
  const found = text.parts.find((p) => Buffer.from(p).toString('utf8').startsWith(`&lt;VM&gt;&lt;ID&gt;${id}&lt;/ID&gt;`) || Buffer.from(p).toString('utf8').startsWith(`&lt;HOST&gt;&lt;ID&gt;${id}&lt;/ID&gt;`));
  assert.ok(found, `no entry for ${id}`);
  return found;
}

const ids = (text: EscapedText): number[] => [...text.toString().matchAll(/&lt;(?:VM|HOST)&gt;&lt;ID&gt;(\d+)&lt;/g)].map((m) => Number(m[1]));

async function ok<T>(result: Promise<{ ok: boolean; value?: T; error?: { message: string } }>): Promise<T> {
  const r = await result;
  assert.ok(r.ok, r.error?.message);
  return r.value as T;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'one-ts-pool-pieces-'));
  mkdirSync(join(dir, 'var'));
  runtime = await startCoreRuntime(dir, { snapshotEvery: Infinity, now: () => 1_700_000_000 });
  const { core } = runtime;
  await ok(core.allocateUser(ONEADMIN, 'oneadmin', 'x'.repeat(32)));
  alice = await ok(core.allocateUser(ONEADMIN, 'alice', 'y'.repeat(32)));
  await ok(core.allocateVm(ONEADMIN, 'NAME = admin0\nMEMORY = 64\nCPU = 0.1'));
  // Markup, quotes and shell syntax in a name: escaped once, in its piece.
  await ok(core.allocateVm(alice, 'NAME = "a<b>&c\'; $(id) `id` ]]>"\nMEMORY = 64\nCPU = 0.1'));
  await ok(core.allocateVm(alice, 'NAME = alice2'));
  await ok(core.allocateHost(ONEADMIN, 'node0', 'im_dummy', 'vmm_dummy', 'tm_dummy'));
  await ok(core.allocateHost(ONEADMIN, 'node1', 'im_dummy', 'vmm_dummy', 'tm_dummy'));
});

after(async () => {
  await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('pool documents from cached pieces', () => {
  it('sends the bytes of the one-string document, for every filter and form', async () => {
    const cases: [string, number, (number | boolean)[], string][] = [
      ['one.vmpool.info', ONEADMIN, [-2], vmPoolDocument(runtime.core.vms({ state: 'not-done' }))],
      ['one.vmpool.info', alice, [-1, true, -2], vmPoolDocument(runtime.core.vms({ uid: alice, state: 'any' }), true)],
      ['one.hostpool.info', ONEADMIN, [], hostPoolDocument(runtime.core.hosts())],
    ];
    for (const [method, caller, args, document] of cases) {
      const text = await pool(method, caller, ...args);
      assert.equal(text.toString(), escapeXml(document));
      const answer: XmlRpcValue = [true, text, 0];
      const sent = Buffer.concat(serializeMethodResponsePieces(answer)).toString('utf8');
      assert.equal(sent, serializeMethodResponse([true, document, 0]));
      const decoded = parseMethodResponse(sent);
      assert.deepEqual(decoded.kind === 'params' && decoded.params[0], [true, document, 0]);
    }
    assert.match(vmPoolDocument(runtime.core.vms({ state: 'any' })), /<NAME>a&lt;b&gt;&amp;c'; \$\(id\) `id` \]\]&gt;<\/NAME>/);
  });

  it('keeps the owner filters: -2 every user, -1 the caller, a uid that user', async () => {
    assert.deepEqual(ids(await pool('one.vmpool.info', alice, -2)), [0, 1, 2]);
    assert.deepEqual(ids(await pool('one.vmpool.info', alice, -1)), [1, 2]);
    assert.deepEqual(ids(await pool('one.vmpool.info', ONEADMIN, -1)), [0]);
    assert.deepEqual(ids(await pool('one.vmpool.info', ONEADMIN, alice)), [1, 2]);
    assert.deepEqual(ids(await pool('one.vmpool.info', alice, ONEADMIN)), [0]);
    assert.deepEqual(ids(await pool('one.vmpool.info', alice, 99)), []);
  });

  it('reuses a VM piece until the VM changes: state, poll figures, owner name, end', async () => {
    const first = await pool('one.vmpool.info', ONEADMIN, -2);
    const again = await pool('one.vmpool.info', ONEADMIN, -2);
    for (const id of [0, 1, 2]) assert.equal(pieceOf(again, id), pieceOf(first, id), `VM ${id} rendered twice`);

    await ok(runtime.core.actOnVm(ONEADMIN, 0, 'hold'));
    const held = await pool('one.vmpool.info', ONEADMIN, -2);
    assert.notEqual(pieceOf(held, 0), pieceOf(first, 0));
    assert.match(Buffer.from(pieceOf(held, 0)).toString(), /&lt;STATE&gt;2&lt;\/STATE&gt;/);
    assert.equal(pieceOf(held, 1), pieceOf(first, 1), 'an unchanged VM is not rendered again');

    runtime.core.ctx.vmPolls.set(1, { lastPoll: 1_700_000_100, memory: 4242, cpu: 17, netTx: 5, netRx: 6 });
    const polled = await pool('one.vmpool.info', ONEADMIN, -2);
    assert.match(Buffer.from(pieceOf(polled, 1)).toString(), /&lt;MEMORY&gt;4242&lt;\/MEMORY&gt;&lt;CPU&gt;17&lt;/);
    // Figures changed in place (not a new object) are seen as well.
    runtime.core.ctx.vmPolls.get(1)!.memory = 4343;
    assert.match(Buffer.from(pieceOf(await pool('one.vmpool.info', ONEADMIN, -2), 1)).toString(), /&lt;MEMORY&gt;4343&lt;/);

    await ok(runtime.core.deleteUser(ONEADMIN, alice));
    const orphaned = await pool('one.vmpool.info', ONEADMIN, -2);
    assert.match(Buffer.from(pieceOf(orphaned, 2)).toString(), /&lt;USERNAME&gt;-&lt;\/USERNAME&gt;/);
    assert.match(Buffer.from(pieceOf(orphaned, 0)).toString(), /&lt;USERNAME&gt;oneadmin&lt;/);

    await ok(runtime.core.actOnVm(ONEADMIN, 2, 'finalize'));
    assert.deepEqual(ids(await pool('one.vmpool.info', ONEADMIN, -2)), [0, 1], 'a DONE VM leaves the default listing');
    const all = await pool('one.vmpool.info', ONEADMIN, -2, false, -2);
    assert.match(Buffer.from(pieceOf(all, 2)).toString(), /&lt;STATE&gt;6&lt;\/STATE&gt;/);
  });

  it('reuses a host piece until the host changes: monitoring, disable, delete', async () => {
    const first = await pool('one.hostpool.info', ONEADMIN);
    assert.equal(pieceOf(await pool('one.hostpool.info', ONEADMIN), 0), pieceOf(first, 0));

    runtime.core.ctx.hostSamples.set(0, { time: 1_700_000_050, template: { attributes: [{ name: 'FREECPU', value: '777' }] }, share: { freeCpu: 777 } });
    const monitored = await pool('one.hostpool.info', ONEADMIN);
    assert.match(Buffer.from(pieceOf(monitored, 0)).toString(), /&lt;FREE_CPU&gt;777&lt;\/FREE_CPU&gt;.*&lt;FREECPU&gt;777&lt;/);
    assert.equal(pieceOf(monitored, 1), pieceOf(first, 1));

    await ok(runtime.core.enableHost(ONEADMIN, 1, false));
    const disabled = await pool('one.hostpool.info', ONEADMIN);
    assert.match(Buffer.from(pieceOf(disabled, 1)).toString(), /^&lt;HOST&gt;&lt;ID&gt;1&lt;\/ID&gt;&lt;NAME&gt;node1&lt;\/NAME&gt;&lt;STATE&gt;4&lt;/);

    await ok(runtime.core.deleteHost(ONEADMIN, 0));
    assert.deepEqual(ids(await pool('one.hostpool.info', ONEADMIN)), [1]);
  });
});
