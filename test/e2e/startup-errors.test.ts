/**
 * Start-up errors a user can fix are one line on stderr, with no stack
 * trace, a non-zero exit, and no lock or pid file left behind: through
 * `oned -f` and through `one start`. Each case runs the real oned.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { dummyConf, makeLocation, REPO } from '../helpers/oned-harness.ts';

function run(tool: 'oned' | 'one', location: string) {
  const r = spawnSync(join(REPO, 'bin', tool), [tool === 'oned' ? '-f' : 'start'], {
    env: { ...process.env, ONE_LOCATION: location, ONE_AUTH: join(location, 'one_auth') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr };
}

/** The one-line contract, and nothing left behind in var/. */
function assertOneLine(r: { code: number | null; stderr: string }, location: string, message: RegExp): void {
  assert.notEqual(r.code, 0);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^oned: /);
  assert.match(lines[0]!, message);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(existsSync(join(location, 'var', '.lock')), false, 'no lock file left');
  assert.equal(existsSync(join(location, 'var', 'oned.pid')), false, 'no pid file left');
}

describe('start-up errors: one line, non-zero, no lock left', () => {
  const locations: string[] = [];
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
    for (const l of locations) rmSync(l, { recursive: true, force: true });
  });
  const location = async (extra = '') => {
    const l = makeLocation(dummyConf(await freePort(), extra));
    locations.push(l);
    return l;
  };
  const portOf = (l: string) => Number(/^PORT = (\d+)$/m.exec(readFileSync(join(l, 'etc', 'oned.conf'), 'utf8'))![1]);
  const holdPort = (port: number) =>
    new Promise<void>((resolve) => {
      const s = createServer().listen(port, '127.0.0.1', () => resolve());
      servers.push(s);
    });

  for (const tool of ['oned', 'one'] as const) {
    it(`${tool}: the port is in use, found before any store or driver starts`, async () => {
      const l = await location();
      await holdPort(portOf(l));
      assertOneLine(run(tool, l), l, new RegExp(`port ${portOf(l)} on 127\\.0\\.0\\.1 is already in use`));
      assert.equal(existsSync(join(l, 'var', 'one.db')), false, 'the log was not even opened');
      const log = join(l, 'var', 'oned.log');
      assert.ok(!existsSync(log) || !/Drivers loaded/.test(readFileSync(log, 'utf8')), 'no driver was started');
    });

    it(`${tool}: a LISTEN_ADDRESS that does not resolve`, async () => {
      const l = await location();
      const conf = join(l, 'etc', 'oned.conf');
      writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^LISTEN_ADDRESS = .*$/m, 'LISTEN_ADDRESS = no-such-host.invalid'));
      assertOneLine(run(tool, l), l, /LISTEN_ADDRESS no-such-host\.invalid does not resolve/);
    });

    for (const db of ['one.db', 'monitoring.db']) {
      it(`${tool}: ${db} is not a database`, async () => {
        const l = await location();
        writeFileSync(join(l, 'var', db), 'this is not an SQLite file\n'.repeat(100));
        assertOneLine(run(tool, l), l, new RegExp(`var/${db.replace('.', '\\.')} is not an SQLite database`));
      });

      it(`${tool}: ${db} is a directory`, async () => {
        const l = await location();
        mkdirSync(join(l, 'var', db));
        assertOneLine(run(tool, l), l, new RegExp(`var/${db.replace('.', '\\.')} is a directory, not an SQLite database`));
      });
    }

    it(`${tool}: var is a file`, async () => {
      const l = await location();
      rmSync(join(l, 'var'), { recursive: true });
      writeFileSync(join(l, 'var'), 'not a directory\n');
      const r = run(tool, l);
      assert.notEqual(r.code, 0);
      const lines = r.stderr.split('\n').filter((x) => x.trim() !== '');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^oned: .*\/var is a file, but oned needs a directory there/);
      assert.equal(readFileSync(join(l, 'var'), 'utf8'), 'not a directory\n', 'the file is left as it was');
    });
  }
});
