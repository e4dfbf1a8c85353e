import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ChainChecker } from '../../../src/audit/chain-check.ts';
import { dbEvents } from '../../../src/audit/db-events.ts';
import { openEventLog } from '../../../src/store/sqlite-event-log.ts';
import { hashedData, secretDigest, withoutSecrets } from '../../../src/store/secret-fields.ts';

const SCRYPT = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo';

async function withLog(run: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'secret-fields-'));
  try {
    await run(join(dir, 'one.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A log with a user event written before the rule (no `secrets`), one after it, and a VM event. */
async function writeLog(file: string): Promise<void> {
  const log = openEventLog(file);
  await log.append([{ stream: 'user/1', expectedVersion: 0, events: [{ type: 'UserAllocated', uid: 1, name: 'old', passwordHash: SCRYPT } as never] }]);
  await log.append([{ stream: 'user/2', expectedVersion: 0, events: [{ type: 'UserAllocated', uid: 2, name: 'new', passwordHash: SCRYPT, secrets: ['passwordHash'] } as never] }], { uid: 0 });
  await log.append([{ stream: 'vm/0', expectedVersion: 0, events: [{ type: 'VmHeld', note: '"secrets":[nested]' } as never] }]);
  log.close();
}

const served = (file: string) => [...dbEvents(file, 0, 2)].flat();

describe('secrets in the event log', () => {
  it('hashes a named secret as the digest of its canonical JSON, and leaves other events alone', () => {
    const data = '{"name":"a","passwordHash":"x","secrets":["passwordHash"],"uid":2}';
    const digest = secretDigest('x').sha256;
    assert.equal(digest, createHash('sha256').update('"x"').digest('hex'), 'the digest of the JSON text, quotes included');
    assert.equal(hashedData(data), `{"name":"a","passwordHash":{"sha256":"${digest}"},"secrets":["passwordHash"],"uid":2}`);
    for (const plain of ['{"uid":1}', '{"note":"\\"secrets\\":[x]"}', '{"t":{"secrets":["uid"]},"uid":1}']) assert.equal(hashedData(plain), plain);
  });

  it('keeps the secret in the row for oned, serves only its digest, and the served chain verifies (old rule too)', () =>
    withLog(async (file) => {
      await writeLog(file);
      const log = openEventLog(file);
      assert.deepEqual(await log.verify(), { ok: true, events: 3 });
      let replayed = 0;
      for await (const page of log.replay({ seq: 0, hash: '' })) replayed += page.length;
      assert.equal(replayed, 3);
      const stored = await log.readAll(0);
      log.close();
      assert.equal((stored[1]!.event as never as { passwordHash: string }).passwordHash, SCRYPT);
      const events = served(file);
      assert.deepEqual(events[1]!.event, { type: 'UserAllocated', uid: 2, name: 'new', passwordHash: secretDigest(SCRYPT), secrets: ['passwordHash'] });
      assert.deepEqual(events[1], withoutSecrets(stored[1]!));
      assert.equal((events[0]!.event as never as { passwordHash: string }).passwordHash, SCRYPT, 'an event from before the rule is hashed, so served, as stored');
      const checker = new ChainChecker();
      checker.add(events);
      assert.deepEqual(checker.result(), { ok: true, events: 3 });
    }));

  it('a changed secret, or a secret replaced by its own digest, breaks the chain', () =>
    withLog(async (file) => {
      await writeLog(file);
      for (const forged of [SCRYPT.replace('c2F', 'c2G'), JSON.stringify(secretDigest(SCRYPT))]) {
        const db = new Database(file);
        const data = db.prepare('SELECT data FROM events WHERE seq = 2').pluck().get() as string;
        const next = JSON.parse(data);
        next.passwordHash = forged.startsWith('{') ? JSON.parse(forged) : forged;
        db.prepare('UPDATE events SET data = ? WHERE seq = 2').run(JSON.stringify(next));
        db.close();
        const log = openEventLog(file);
        const verdict = await log.verify();
        log.close();
        assert.equal(verdict.ok, false, forged);
        assert.equal(verdict.ok === false && verdict.seq, 2);
        const checker = new ChainChecker();
        checker.add(served(file));
        const r = checker.result();
        assert.equal(r.ok, false);
        assert.deepEqual(r.ok ? [] : r.breaks.map((b) => b.seq), [2]);
        const restore = new Database(file);
        restore.prepare('UPDATE events SET data = ? WHERE seq = 2').run(data);
        restore.close();
      }
    }));
});
