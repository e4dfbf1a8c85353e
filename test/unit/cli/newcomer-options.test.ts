import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onehost } from '../../../src/cli/onehost.ts';
import { onevm } from '../../../src/cli/onevm.ts';
import { fail, ok, oneadminEnv, runWithFake } from './fake-oned.ts';
import { VM_POOL_XML } from './fixtures.ts';

const env = oneadminEnv();
const vmPool = { 'one.vmpool.info': () => ok(VM_POOL_XML) };

describe('onevm list --state', () => {
  it('sends the 2.0 form with the state only when asked; the 1.4 form otherwise', async () => {
    const plain = await runWithFake(onevm, ['list'], vmPool, { env });
    assert.deepEqual(plain.calls, [['one.vmpool.info', -2]]);
    for (const [state, code] of [['done', 6], ['DONE', 6], ['all', -2], ['pending', 1], ['failed', 7], ['3', 3]] as const) {
      const run = await runWithFake(onevm, ['list', '--state', state], vmPool, { env });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.calls, [['one.vmpool.info', -2, false, code]], state);
    }
    const mine = await runWithFake(onevm, ['top', 'mine', '--state', 'done'], vmPool, { env });
    assert.deepEqual(mine.calls, [['one.vmpool.info', -1, false, 6]]);
  });

  it('refuses an unknown state before calling oned, naming the accepted ones', async () => {
    for (const bad of ['gone', '9', '-1', '$(id)', 'done\nall']) {
      const run = await runWithFake(onevm, ['list', '--state', bad], vmPool, { env });
      assert.equal(run.code, 255, bad);
      assert.deepEqual(run.calls, []);
      assert.match(run.stderr, /^Error: --state needs all, init, pending, hold, active, stopped, suspended, done, failed or a state number/);
    }
  });
});

describe('--help', () => {
  it('fits the terminal width, and is as commander prints it on a pipe', async () => {
    for (const columns of [56, 72, 90, 120]) {
      let text = '';
      const run = await runWithFake(onehost, ['--help'], {}, { env, stdout: { isTTY: true, columns, write: (s: string) => void (text += s) } });
      assert.equal(run.code, 0);
      const long = text.split('\n').filter((line) => line.length > columns);
      assert.deepEqual(long, [], `${columns} columns`);
      assert.match(text, /create\|add <hostname> <im_mad> <vmm_mad> <tm_mad>/);
      assert.match(text, /adds a host \(one\.host\.allocate\)/);
    }
    const piped = await runWithFake(onehost, ['--help'], {}, { env });
    assert.equal(piped.code, 0);
    assert.match(piped.stdout, /^ {2}create\|add <hostname> <im_mad> <vmm_mad> <tm_mad>\n {6}adds a host/m);
  });
});

describe('error messages', () => {
  it('print "does not exist" although oned sends 1.4\'s "does not exists"', async () => {
    const run = await runWithFake(onevm, ['show', '999'], { 'one.vm.info': () => fail('The virtual machine 999 does not exists') }, { env });
    assert.equal(run.code, 255);
    assert.equal(run.stderr, 'Error: The virtual machine 999 does not exist\n');
  });
});
