import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionStore } from '../../../src/console/session-store.ts';

describe('console session store', () => {
  it('gives each login its own random cookie and CSRF tokens', () => {
    const store = new SessionStore();
    const a = store.create('oneadmin:x', 0, 'oneadmin');
    const b = store.create('oneadmin:x', 0, 'oneadmin');
    assert.notEqual(a.token, b.token);
    assert.notEqual(a.csrf, b.csrf);
    assert.notEqual(a.token, a.csrf);
    assert.match(a.token, /^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    assert.equal(store.get(a.token), a);
    assert.equal(store.get('nope'), undefined);
    assert.equal(store.get(undefined), undefined);
  });

  it('checks the CSRF header exactly: absent, empty, repeated, another session\'s or one character off is refused', () => {
    const store = new SessionStore();
    const a = store.create('u:x', 1, 'u');
    const b = store.create('u:x', 1, 'u');
    assert.equal(SessionStore.csrfMatches(a, a.csrf), true);
    for (const header of [undefined, '', [a.csrf, a.csrf], b.csrf, `${a.csrf}x`, a.csrf.slice(1), `x${a.csrf.slice(1)}`]) {
      assert.equal(SessionStore.csrfMatches(a, header), false, String(header));
    }
  });

  it('ends a session idle for longer than the limit, and one that logged out', () => {
    let now = 1_000;
    const store = new SessionStore(60_000, 10, () => now);
    const s = store.create('u:x', 1, 'u');
    now += 59_000;
    assert.equal(store.get(s.token), s, 'used within the limit: still there, and touched');
    now += 59_000;
    assert.equal(store.get(s.token), s);
    now += 60_001;
    assert.equal(store.get(s.token), undefined);
    const t = store.create('u:x', 1, 'u');
    store.delete(t.token);
    assert.equal(store.get(t.token), undefined);
  });

  it('holds at most `max` sessions, dropping the least recently used', () => {
    const store = new SessionStore(3_600_000, 3);
    const [a, b, c] = [1, 2, 3].map((uid) => store.create(`u${uid}:x`, uid, `u${uid}`));
    store.get(a!.token); // a is now the most recently used
    store.create('u4:x', 4, 'u4');
    assert.equal(store.get(b!.token), undefined);
    assert.equal(store.get(a!.token), a);
    assert.equal(store.get(c!.token), c);
  });
});
