import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Authenticator, hashPassword, verifyPassword } from '../../../src/rpc/auth.ts';
import { FakeCore, session, sha1, TEST_SCRYPT } from './fake-core.ts';

describe('password hashing', () => {
  it('verifies the right token only, and salts every hash', async () => {
    const token = sha1('secret');
    const a = await hashPassword(token, TEST_SCRYPT);
    const b = await hashPassword(token, TEST_SCRYPT);
    assert.notEqual(a, b);
    assert.ok(!a.includes(token));
    assert.match(a, /^scrypt\$256\$8\$1\$/);
    assert.equal(await verifyPassword(token, a), true);
    assert.equal(await verifyPassword(sha1('other'), a), false);
    assert.equal(await verifyPassword(token, 'garbage'), false);
    assert.equal(await verifyPassword(token, 'scrypt$99999999$8$1$AA==$AA=='), false);
  });
});

describe('Authenticator', () => {
  it('accepts user:sha1(password) and refuses everything else', async () => {
    const core = await FakeCore.create('pw');
    const uid = await core.addUser('alice', 'apw');
    await core.addUser('off', 'opw', false);
    const auth = new Authenticator(core);
    assert.equal(await auth.authenticate(session('oneadmin', 'pw')), 0);
    assert.equal(await auth.authenticate(session('alice', 'apw')), uid);
    for (const bad of [session('alice', 'pw'), session('nobody', 'pw'), session('off', 'opw'), 'alice', ':x', '', `alice:${sha1('apw').toUpperCase()}`]) {
      assert.equal(await auth.authenticate(bad), undefined, bad);
    }
  });

  it('caches successes only and revalidates on password change, disable and delete', async () => {
    const core = await FakeCore.create();
    const uid = await core.addUser('bob', 'one');
    const auth = new Authenticator(core);
    assert.equal(await auth.authenticate(session('bob', 'wrong')), undefined);
    assert.equal(auth.cachedSessions, 0);
    assert.equal(await auth.authenticate(session('bob', 'one')), uid);
    assert.equal(auth.cachedSessions, 1);

    await core.setUserPassword(0, uid, await hashPassword(sha1('two'), TEST_SCRYPT));
    assert.equal(await auth.authenticate(session('bob', 'one')), undefined);
    assert.equal(await auth.authenticate(session('bob', 'two')), uid);

    await core.enableUser(0, uid, false);
    assert.equal(await auth.authenticate(session('bob', 'two')), undefined);
    await core.enableUser(0, uid, true);
    assert.equal(await auth.authenticate(session('bob', 'two')), uid);

    await core.deleteUser(0, uid);
    assert.equal(await auth.authenticate(session('bob', 'two')), undefined);
  });

  it('does not trust a cache entry for a re-created user with the same id and version', async () => {
    const core = await FakeCore.create();
    const uid = await core.addUser('carol', 'old');
    const auth = new Authenticator(core);
    assert.equal(await auth.authenticate(session('carol', 'old')), uid);
    const reborn = core.userMap.get(uid)!;
    core.userMap.set(uid, { ...reborn, passwordHash: await hashPassword(sha1('new'), TEST_SCRYPT) });
    assert.equal(await auth.authenticate(session('carol', 'old')), undefined);
  });

  it('keeps the cache bounded', async () => {
    const core = await FakeCore.create();
    const auth = new Authenticator(core, { cacheSize: 2 });
    for (const name of ['u1', 'u2', 'u3']) await core.addUser(name, 'x');
    for (const name of ['u1', 'u2', 'u3']) assert.notEqual(await auth.authenticate(session(name, 'x')), undefined);
    assert.equal(auth.cachedSessions, 2);
  });

  it('answers many concurrent first calls with one verification each, and fast once cached', async () => {
    const core = await FakeCore.create();
    const auth = new Authenticator(core);
    const s = session('oneadmin', 'adminpass');
    const results = await Promise.all(Array.from({ length: 50 }, () => auth.authenticate(s)));
    assert.ok(results.every((r) => r === 0));
    const started = process.hrtime.bigint();
    for (let i = 0; i < 10_000; i++) await auth.authenticate(s);
    const perCallUs = Number(process.hrtime.bigint() - started) / 1e3 / 10_000;
    assert.ok(perCallUs < 100, `cached authentication took ${perCallUs} µs per call`);
  });
});

describe('Authenticator under a flood of bad sessions', () => {
  it('runs at most maxConcurrentVerifications slow checks at once and still answers all', async () => {
    const core = await FakeCore.create();
    let running = 0;
    let peak = 0;
    const verify = async (token: string, stored: string): Promise<boolean> => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      return verifyPassword(token, stored);
    };
    const auth = new Authenticator(core, { maxConcurrentVerifications: 2, verify });
    // From 20 addresses, against 20 names: nothing here is throttled, everything is checked.
    const bad = Array.from({ length: 20 }, (_, i) => auth.authenticate(`user${i}:${sha1(String(i))}`, `10.0.0.${i}`));
    assert.deepEqual(await Promise.all(bad), Array(20).fill(undefined));
    assert.equal(peak, 2);
    assert.equal(await auth.authenticate(session('oneadmin', 'adminpass')), 0);
  });
});
