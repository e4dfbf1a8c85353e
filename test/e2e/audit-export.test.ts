/**
 * `oneaudit export` and the outside verifier (test/e2e/python/verify_export.py,
 * written from the README only), and tampering with the one.db of a stopped
 * oned: oned refuses to start on it, and `oneaudit --db` verify and export
 * name every break, as does the Python verifier on the export.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { type CliRun, Oned, REPO, runCli, sha1hex, waitFor } from '../helpers/oned-harness.ts';
import { spawnSync } from 'node:child_process';

const VERIFIER = join(REPO, 'test', 'e2e', 'python', 'verify_export.py');

/** Runs the Python verifier on an export's text; its exit code and output. */
function pythonVerify(dir: string, text: string): CliRun {
  const file = join(dir, `export-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, text);
  const r = spawnSync('python3', [VERIFIER, file], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('oneaudit export and the Python verifier', () => {
  it('exports a chain the Python verifier accepts, password hashes only as digests; each tamper of a stopped oned\'s one.db is caught by both', async () => {
    const one = await Oned.start();
    const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
    try {
      await one.ok('one.host.allocate', 'n0', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      const alice = (await one.ok('one.user.allocate', 'alice', sha1hex('wonderland'))) as number;
      await one.ok('one.user.passwd', alice, sha1hex('looking-glass'));
      for (let i = 0; i < 3; i++) await one.ok('one.vm.allocate', `NAME = "a${i} \\"q\\" $(x) é"\nCPU = 0.5\nMEMORY = 16`);
      await one.ok('one.vm.deploy', 0, 0);
      await waitFor('VM 0 running', async () => /<LCM_STATE>3<\/LCM_STATE>/.test(String(await one.ok('one.vm.info', 0))));
      await one.ok('one.vm.action', 'shutdown', 0);
      await waitFor('VM 0 done', async () => /<STATE>6<\/STATE>/.test(String(await one.ok('one.vm.info', 0))));

      const exported = await runCli(one, 'oneaudit', ['export']);
      assert.equal(exported.code, 0, exported.stderr);
      const lines = exported.stdout.trim().split('\n');
      assert.deepEqual(JSON.parse(lines[0]!), { export: 'one-ts event log', from: 1, previous: '0'.repeat(64) });
      const events = lines.slice(1).map((l) => JSON.parse(l) as { seq: number; stream: string; type: string; data: Record<string, unknown> });
      assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
      assert.doesNotMatch(exported.stdout, /scrypt/, 'no password hash leaves oned');
      const userEvents = events.filter((e) => e.stream === `user/${alice}`);
      assert.deepEqual(userEvents.map((e) => e.type), ['UserAllocated', 'UserPasswordChanged']);
      for (const e of userEvents) assert.match(JSON.stringify(e.data.passwordHash), /^\{"sha256":"[0-9a-f]{64}"\}$/);
      assert.match(pythonVerify(dir, exported.stdout).stdout, new RegExp(`^export verified: ${events.length} events$`, 'm'));
      const polled = JSON.parse(String(await one.ok('one.event.poll', 0, 10_000, 0))) as unknown[];
      assert.doesNotMatch(JSON.stringify(polled), /scrypt/, 'one.event.poll serves the digests too');

      const tail = await runCli(one, 'oneaudit', ['export', '--from', '5']);
      assert.equal(JSON.parse(tail.stdout.split('\n')[0]!).previous, (events[3] as unknown as { hash: string }).hash);
      // The log may have grown since the first export (a monitoring, a driver reply): count this one's lines.
      const tailEvents = tail.stdout.trim().split('\n').length - 1;
      assert.ok(tailEvents >= events.length - 4, `${tailEvents} events from seq 5`);
      assert.match(pythonVerify(dir, tail.stdout).stdout, new RegExp(`^export verified: ${tailEvents} events$`, 'm'));
      const beyond = await runCli(one, 'oneaudit', ['export', '--from', '0']);
      assert.equal(beyond.code, 3);
      assert.match(beyond.stderr, /"0" is not a seq/);

      await one.stop();
      const dbFile = join(one.location, 'var', 'one.db');
      const pristine = join(dir, 'pristine.db');
      const source = new Database(dbFile, { readonly: true });
      await source.backup(pristine);
      source.close();
      const seqOf = (db: Database.Database, stream: string, version: number) =>
        db.prepare('SELECT seq FROM events WHERE stream = ? AND version = ?').pluck().get(stream, version) as number;

      const cases: { name: string; tamper: (db: Database.Database) => number[]; lines: (seqs: number[]) => string[]; breaks: number }[] = [
        {
          name: 'one byte of an event\'s data changed',
          tamper: (db) => {
            const seq = seqOf(db, 'vm/1', 1);
            // Exactly one byte: the first 'a' of the VM's name becomes 'b'.
            db.prepare("UPDATE events SET data = substr(data, 1, instr(data, 'a1 ') - 1) || 'b' || substr(data, instr(data, 'a1 ') + 1) WHERE seq = ?").run(seq);
            return [seq];
          },
          lines: ([seq]) => [`at event ${seq} \\(vm/1\\): hash of event ${seq} \\(vm/1 v1 VmAllocated\\) does not match`],
          breaks: 1,
        },
        {
          name: 'a row deleted',
          tamper: (db) => {
            const seq = seqOf(db, 'vm/0', 2);
            db.prepare('DELETE FROM events WHERE seq = ?').run(seq);
            return [seq];
          },
          lines: ([seq]) => [`at event ${seq}: event ${seq} is missing`, `at event \\d+ \\(vm/0\\): vm/0 v2 is missing`],
          breaks: 2,
        },
        {
          name: 'two rows swapped',
          tamper: (db) => {
            const [a, b] = [seqOf(db, 'host/0', 1), seqOf(db, 'vm/2', 1)];
            db.prepare('UPDATE events SET seq = -1 WHERE seq = ?').run(a);
            db.prepare('UPDATE events SET seq = ? WHERE seq = ?').run(a, b);
            db.prepare('UPDATE events SET seq = ? WHERE seq = -1').run(b);
            return [a, b];
          },
          lines: ([a, b]) => [`at event ${a} \\(vm/2\\): hash of event ${a} \\(vm/2 v1`, `at event ${b} \\(host/0\\): hash of event ${b} \\(host/0 v1`],
          breaks: 2,
        },
      ];
      for (const c of cases) {
        for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
        copyFileSync(pristine, dbFile);
        const db = new Database(dbFile);
        const seqs = db.transaction(() => c.tamper(db))();
        db.close();

        // oned verifies at start-up only the events after its last checkpoint (a clean stop writes
        // one at the tip), so it starts on rows changed before it: the auditor exports through the
        // API then. Should start-up refuse the file, it must name the break, and --db reads the file.
        let tampered: Oned | undefined;
        try {
          tampered = await Oned.start({ location: one.location });
        } catch (e) {
          assert.match(String(e), new RegExp(`hash chain broken at event ${seqs[0]}`), c.name);
        }
        const offline = { env: { ONE_XMLRPC: 'http://127.0.0.1:1/RPC2' } };
        try {
          for (const args of [['--db', dbFile, 'verify'], ...(tampered ? [['verify']] : [])]) {
            const verified = await runCli(tampered ?? one, 'oneaudit', args, tampered ? {} : offline);
            assert.equal(verified.code, 1, `${c.name}: ${verified.stdout}${verified.stderr}`);
            for (const line of c.lines(seqs)) assert.match(verified.stdout, new RegExp(`^hash chain BROKEN ${line}`, 'm'), `${c.name}: ${verified.stdout}`);
            assert.match(verified.stdout, new RegExp(`^hash chain BROKEN: ${c.breaks} breaks`, 'm'), `${c.name}: ${verified.stdout}`);
          }
          if (tampered) {
            // The rows were served (that is how the API's verify saw them), and never silently.
            assert.match(tampered.log(), new RegExp(`\\[ONE\\]\\[E\\]: Serving a changed event log: hash chain broken at event ${Math.min(...seqs)} `), c.name);
          }
          const exportedBroken = tampered ? await runCli(tampered, 'oneaudit', ['export']) : await runCli(one, 'oneaudit', ['--db', dbFile, 'export'], offline);
          assert.equal(exportedBroken.code, 0, exportedBroken.stderr);
          const python = pythonVerify(dir, exportedBroken.stdout);
          assert.equal(python.code, 1, `${c.name}: ${python.stdout}`);
          for (const seq of seqs) assert.match(python.stdout, new RegExp(`^BROKEN at event ${seq}\\b`, 'm'), `${c.name}: ${python.stdout}`);
        } finally {
          await tampered?.stop();
        }
      }
    } finally {
      await one.stop();
      one.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
