import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionOf, sha1hex } from '../../src/rpc/one-auth.ts';
import { Oned, runCli, waitFor } from '../helpers/oned-harness.ts';

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];

describe('forced deletion of a network with leases in use', () => {
  it('is oneadmin\'s alone; the VM that held a lease still ends cleanly', async () => {
    const one = await Oned.start();
    try {
      await one.ok('one.user.allocate', 'bob', sha1hex('pw'));
      const bob = sessionOf({ user: 'bob', password: 'pw' });
      const nid = (await one.client.call('one.vn.allocate', [bob, 'NAME = lab\nTYPE = FIXED\nBRIDGE = br9\nLEASES = [ IP = 10.9.0.1 ]'])) as [boolean, number, number];
      assert.equal(nid[0], true);
      const vid = (await one.client.call('one.vm.allocate', [bob, 'NAME = v\nNIC = [ NETWORK = lab ]'])) as [boolean, number, number];
      assert.equal(vid[0], true);

      const [okBob, msgBob, codeBob] = (await one.client.call('one.vn.delete', [bob, nid[1], true])) as [boolean, string, number];
      assert.deepEqual([okBob, codeBob], [false, 0x200]);
      assert.match(msgBob, /Only oneadmin can force the deletion of virtual networks/);
      const [okPlain, , codePlain] = await one.call('one.vn.delete', nid[1]);
      assert.deepEqual([okPlain, codePlain], [false, 0x800]);

      const forced = await runCli(one, 'onevnet', ['delete', '--force', 'lab']);
      assert.equal(forced.code, 0, forced.stderr);
      assert.deepEqual((await one.call('one.vn.info', nid[1])).slice(0, 1), [false]);

      await one.ok('one.vm.action', 'finalize', vid[1]);
      await waitFor('VM DONE', async () => tag(await one.ok('one.vm.info', vid[1]), 'STATE') === '6');
    } finally {
      await one.stop();
      one.remove();
    }
  });
});
