/**
 * `one start --rebuild`, the form of `oned --rebuild` the README offers to
 * users: when a snapshot disagrees with its stream, `one start` stops with
 * oned's one line (naming the stream and --rebuild) and leaves nothing
 * running; `one start --rebuild` then folds the whole log, and every VM
 * acknowledged before is served again.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { XmlRpcClient } from '../../src/rpc/client.ts';
import { sessionOf } from '../../src/rpc/one-auth.ts';
import { freePort } from '../helpers/free-port.ts';
import { Oned, REPO } from '../helpers/oned-harness.ts';

function one(location: string, ...args: string[]) {
  const r = spawnSync(join(REPO, 'bin', 'one'), args, {
    env: { ...process.env, ONE_LOCATION: location, ONE_AUTH: join(location, 'one_auth') },
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('one start --rebuild', () => {
  let location: string | undefined;
  after(() => {
    if (!location) return;
    one(location, 'stop');
    rmSync(location, { recursive: true, force: true });
  });

  it('refuses a snapshot that disagrees with its stream in one line, then folds the whole log with --rebuild', { timeout: 240_000 }, async () => {
    const first = await Oned.start();
    location = first.location;
    for (const name of ['a', 'b', 'c']) await first.ok('one.vm.allocate', `NAME = ${name}\nCPU = 0.1\nMEMORY = 64`);
    await first.stop(); // a clean stop writes a checkpoint with a snapshot of every VM

    const db = new Database(join(location, 'var', 'one.db'));
    db.exec("UPDATE snapshots SET version = version + 1 WHERE stream = 'vm/1'");
    db.close();
    const port = await freePort();
    const conf = join(location, 'etc', 'oned.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^PORT = \d+$/m, `PORT = ${port}`));

    const refused = one(location, 'start');
    assert.notEqual(refused.code, 0, refused.out);
    const lines = refused.err.trim().split('\n');
    assert.equal(lines.length, 1, refused.err);
    assert.match(lines[0]!, /snapshot of vm\/1 holds version \d+, but at the checkpoint \(seq \d+\) the stream is at version \d+.*--rebuild/);
    assert.equal(existsSync(join(location, 'var', 'oned.pid')), false, 'no oned left running');
    assert.equal(existsSync(join(location, 'var', '.lock')), false, 'no lock left behind');

    const rebuilt = one(location, 'start', '--rebuild');
    assert.equal(rebuilt.code, 0, rebuilt.err);
    assert.match(rebuilt.out, /oned started \(pid \d+, port \d+\)/);
    const client = new XmlRpcClient(`http://127.0.0.1:${port}/RPC2`);
    try {
      const [ok, pool] = (await client.call('one.vmpool.info', [sessionOf({ user: 'oneadmin', password: 'secret' }), -2])) as [boolean, string];
      assert.equal(ok, true, pool);
      assert.deepEqual([...pool.matchAll(/<NAME>([^<]*)<\/NAME>/g)].map((m) => m[1]), ['a', 'b', 'c']);
    } finally {
      client.close();
    }
    assert.match(readFileSync(join(location, 'var', 'oned.log'), 'utf8'), /Rebuilt \d+ entities from \d+ events \(--rebuild\)/);
    assert.equal(one(location, 'stop').code, 0);
  });
});
