import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { methodTable } from '../../src/rpc/methods/method-table.ts';
import { Oned, runPython } from '../helpers/oned-harness.ts';

interface WalkReport {
  readonly checks: readonly [name: string, ok: boolean, detail: string][];
  readonly called: readonly string[];
}

// Python's xmlrpc.client is an encoder and parser we did not write: it sees what any OCA would.
describe('the whole API through Python xmlrpc.client against a real oned', () => {
  let one: Oned;
  let report: WalkReport;
  before(async () => {
    one = await Oned.start();
    const out = await runPython(join(import.meta.dirname, 'python', 'api_walk.py'), [`http://127.0.0.1:${one.port}/RPC2`], 60_000);
    report = JSON.parse(out) as WalkReport;
  });
  after(async () => {
    await one?.stop();
    one?.remove();
  });

  it('called every method oned serves', () => {
    assert.deepEqual([...report.called].sort(), [...methodTable.keys()].sort());
  });

  it('made the checks the walk is written to make', () => {
    // A walk that stopped early would still print; its length tells.
    assert.ok(report.checks.length >= 250, `only ${report.checks.length} checks ran`);
  });

  it('every answer, error code and XML document matched', async (t) => {
    for (const [name, ok, detail] of report.checks) {
      await t.test(name, () => assert.ok(ok, `${name}: got ${detail}`));
    }
  });

  it('oned is still up after the walk', async () => {
    assert.deepEqual(await one.call('one.system.version'), [true, '1.4.0-one-ts', 0]);
  });
});
