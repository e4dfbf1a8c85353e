import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Authenticator, verifyPassword } from '../../../src/rpc/auth.ts';
import { FairLimiter } from '../../../src/rpc/fair-limiter.ts';
import { DEFAULT_THROTTLE, LoginThrottle } from '../../../src/rpc/login-throttle.ts';
import { FakeCore, session, sha1, TEST_SCRYPT } from './fake-core.ts';

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** `n` admitted checks of `keys` that all fail. */
function fail(throttle: LoginThrottle, keys: string[], n: number): void {
  for (let i = 0; i < n; i++) {
    assert.equal(throttle.admit(keys), true, `failure ${i + 1} admitted`);
    throttle.settle(keys, 'failure');
  }
}

describe('LoginThrottle: the documented backoff', () => {
  const { failures, baseDelayMs, maxDelayMs, forgetAfterMs } = DEFAULT_THROTTLE;

  it('blocks a key 1 s after its 10th failure, then twice as long per further failure, up to 60 s', () => {
    assert.deepEqual([failures, baseDelayMs, maxDelayMs], [10, 1_000, 60_000], 'the README states these numbers');
    const t = clock();
    const throttle = new LoginThrottle({}, t.now);
    fail(throttle, ['address a'], failures - 1);
    assert.equal(throttle.blockedFor('address a'), 0, '9 failures: not blocked yet');
    fail(throttle, ['address a'], 1);
    const delays: number[] = [];
    for (let round = 0; round < 9; round++) {
      const blocked = throttle.blockedFor('address a');
      delays.push(blocked);
      assert.equal(throttle.admit(['address a']), false, 'refused while blocked');
      t.advance(blocked - 1);
      assert.equal(throttle.admit(['address a']), false, 'refused 1 ms before the end');
      t.advance(1);
      fail(throttle, ['address a'], 1); // the one check let through fails again
    }
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('lets one check at a time through once a block has run out, and a success clears the key', () => {
    const t = clock();
    const throttle = new LoginThrottle({}, t.now);
    fail(throttle, ['user x'], failures);
    t.advance(baseDelayMs);
    assert.equal(throttle.admit(['user x']), true);
    assert.equal(throttle.admit(['user x']), false, 'a second check while the first runs');
    throttle.settle(['user x'], 'success');
    assert.equal(throttle.blockedFor('user x'), 0);
    fail(throttle, ['user x'], failures - 1); // the count starts again from zero
    assert.equal(throttle.blockedFor('user x'), 0);
  });

  it('forgets failures 15 minutes after the last one', () => {
    const t = clock();
    const throttle = new LoginThrottle({}, t.now);
    fail(throttle, ['address b'], failures - 1);
    t.advance(forgetAfterMs);
    fail(throttle, ['address b'], failures - 1);
    assert.equal(throttle.blockedFor('address b'), 0);
  });

  it('counts checks in progress: at most 4 at once per key, and never past the failure limit', () => {
    const throttle = new LoginThrottle({}, clock().now);
    for (let i = 0; i < 4; i++) assert.equal(throttle.admit(['address c']), true);
    assert.equal(throttle.admit(['address c']), false, 'a 5th concurrent check');
    assert.equal(throttle.admit(['address d']), true, 'another key is not affected');
    const nearly = new LoginThrottle({}, clock().now);
    fail(nearly, ['k'], failures - 2);
    assert.equal(nearly.admit(['k']), true);
    assert.equal(nearly.admit(['k']), true);
    assert.equal(nearly.admit(['k']), false, '8 failures + 2 in progress = the limit');
  });

  it('refuses a check when any of its keys is blocked, and reserves nothing then', () => {
    const t = clock();
    const throttle = new LoginThrottle({}, t.now);
    fail(throttle, ['user v'], failures);
    assert.equal(throttle.admit(['address new', 'user v']), false);
    assert.equal(throttle.admit(['address new', 'user w']), true);
  });

  it('remembers at most maxKeys keys', () => {
    const throttle = new LoginThrottle({ maxKeys: 3 }, clock().now);
    for (const k of ['a', 'b', 'c', 'd']) fail(throttle, [k], failures);
    assert.equal(throttle.blockedFor('a'), 0, 'the oldest was evicted');
    assert.ok(throttle.blockedFor('d') > 0);
  });
});

describe('FairLimiter', () => {
  /** A task that runs until released by hand. */
  function gate() {
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    return { open, task: () => opened };
  }

  it('gives one source at most its share, starts other sources in turn, and refuses past maxWaiting', async () => {
    const limiter = new FairLimiter(2, 2, 1);
    const started: string[] = [];
    const gates = Array.from({ length: 6 }, gate);
    const run = (source: string, i: number) => limiter.run(source, async () => (started.push(`${source}${i}`), gates[i]!.task()));
    const a0 = run('a', 0);
    const a1 = run('a', 1); // a's share (1 slot) is taken: waits although a slot is free
    const a2 = run('a', 2);
    const b3 = run('b', 3); // starts at once in the free slot
    assert.equal(run('c', 4), undefined, 'two already wait');
    await Promise.resolve();
    assert.deepEqual(started, ['a0', 'b3']);
    gates[0]!.open();
    await a0;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, ['a0', 'b3', 'a1']);
    const c5 = run('c', 5); // queued after a2, but a is at its share (a1 runs): c goes first
    gates[3]!.open();
    await b3;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, ['a0', 'b3', 'a1', 'c5']);
    for (const g of gates) g.open();
    await Promise.all([a1, a2, c5]);
    assert.deepEqual(started, ['a0', 'b3', 'a1', 'c5', 'a2']);
  });
});

describe('Authenticator against floods and name probing', () => {
  it('checks an unknown or disabled user against a hash of the same cost, so all take one slow check', async () => {
    const core = await FakeCore.create();
    await core.addUser('off', 'pw', false);
    const stored: string[] = [];
    const verify = (token: string, hash: string) => (stored.push(hash), verifyPassword(token, hash));
    const auth = new Authenticator(core, { verify, scrypt: TEST_SCRYPT });
    assert.equal(await auth.authenticate(session('nobody', 'x'), '10.0.0.1'), undefined);
    assert.equal(await auth.authenticate(session('off', 'pw'), '10.0.0.2'), undefined);
    assert.equal(await auth.authenticate(session('oneadmin', 'wrong'), '10.0.0.3'), undefined);
    assert.equal(stored.length, 3, 'one slow check each');
    const shape = (h: string) => h.split('$').slice(0, 4).join('$');
    assert.deepEqual(stored.map(shape), Array(3).fill('scrypt$256$8$1'));
  });

  it('refuses a throttled address or user without a slow check, lets others in, and lets it in after the backoff', async () => {
    const core = await FakeCore.create();
    await core.addUser('victim', 'vpw');
    await core.addUser('alice', 'apw');
    const t = clock();
    let checks = 0;
    const verify = (token: string, hash: string) => (checks++, verifyPassword(token, hash));
    const auth = new Authenticator(core, { verify, now: t.now });
    for (let i = 0; i < 10; i++) assert.equal(await auth.authenticate(session('victim', `bad${i}`), '10.0.0.2'), undefined);
    assert.equal(checks, 10);
    // The address is blocked: even the right password is refused, and nothing is checked.
    assert.equal(await auth.authenticate(session('alice', 'apw'), '10.0.0.2'), undefined);
    // So is the user, from any address.
    assert.equal(await auth.authenticate(session('victim', 'vpw'), '10.0.0.9'), undefined);
    assert.equal(checks, 10);
    // Another user from another address is not affected.
    assert.equal(await auth.authenticate(session('alice', 'apw'), '10.0.0.3'), core.userByName('alice')!.id);
    t.advance(1_000);
    assert.equal(await auth.authenticate(session('victim', 'vpw'), '10.0.0.2'), core.userByName('victim')!.id);
  });

  it('answers a lone throttled retry at once, and a flooding client\'s refusals more and more slowly', async () => {
    const core = await FakeCore.create();
    const auth = new Authenticator(core, { scrypt: TEST_SCRYPT, throttle: { failures: 1 } });
    await auth.authenticate(session('oneadmin', 'wrong'), '10.0.2.1'); // blocked for 1 s from here
    let started = performance.now();
    assert.equal(await auth.authenticate(session('oneadmin', 'adminpass'), '10.0.2.1'), undefined);
    assert.ok(performance.now() - started < 200, 'one refusal: 10 ms');
    started = performance.now();
    const flood = Array.from({ length: 30 }, (_, i) => auth.authenticate(session('oneadmin', `x${i}`), '10.0.2.1'));
    assert.deepEqual(await Promise.all(flood), Array(30).fill(undefined));
    assert.ok(performance.now() - started >= 290, '30 at once: the last waits 300 ms');
  });

  it('answers at once, without a check, when the waiting line is full', async () => {
    const core = await FakeCore.create();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const verify = async (token: string, hash: string) => (await held, verifyPassword(token, hash));
    const auth = new Authenticator(core, { verify, scrypt: TEST_SCRYPT, maxConcurrentVerifications: 1, maxWaitingVerifications: 2 });
    const first = [0, 1, 2].map((i) => auth.authenticate(session(`u${i}`, 'x'), `10.0.1.${i}`));
    const started = performance.now();
    assert.equal(await auth.authenticate(session('u3', 'x'), '10.0.1.3'), undefined);
    assert.ok(performance.now() - started < 50, 'refused without waiting');
    release();
    assert.deepEqual(await Promise.all(first), [undefined, undefined, undefined]);
    assert.equal(await auth.authenticate(session('oneadmin', 'adminpass'), '10.0.1.4'), 0, 'the line drained');
  });

  it('still serves a cached session while its address is throttled', async () => {
    const core = await FakeCore.create();
    const auth = new Authenticator(core);
    assert.equal(await auth.authenticate(session('oneadmin', 'adminpass'), '10.0.0.5'), 0);
    for (let i = 0; i < 12; i++) await auth.authenticate(`oneadmin:${sha1(`no${i}`)}`, '10.0.0.5');
    assert.equal(await auth.authenticate(`oneadmin:${sha1('no99')}`, '10.0.0.5'), undefined);
    assert.equal(await auth.authenticate(session('oneadmin', 'adminpass'), '10.0.0.5'), 0);
  });
});
