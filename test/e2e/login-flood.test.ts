import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, login, loginsUnderFlood } from '../helpers/api-abuse.ts';
import { Oned, sha1hex } from '../helpers/oned-harness.ts';

/**
 * Logins against a real oned (real scrypt cost), from loopback aliases so
 * that oned sees distinct client addresses. Reproductions of the findings:
 * an unknown user name was answered in 1–5 ms and a wrong password in
 * 180–550 ms; with 64 connections sending bad passwords for one user,
 * another user's first login took 21 s; nothing was ever throttled.
 */
const AUTHENTICATION = 0x100;

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
const round = (values: readonly number[]) => values.map((v) => Math.round(v));

describe('logins against a real oned', () => {
  let one: Oned;
  let nextAddress = 30;
  /** A loopback address no earlier login used: a new client for oned. */
  const freshAddress = () => `127.0.0.${nextAddress++}`;
  const allocate = (name: string, password: string) => one.ok('one.user.allocate', name, sha1hex(password));

  before(async () => {
    one = await Oned.start();
  });
  after(async () => {
    await one?.stop();
    one?.remove();
  });

  it('answers an unknown user as slowly as a wrong password (medians of 9, interleaved)', async (t) => {
    await allocate('alice', 'alice-pw');
    const wrong: number[] = [];
    const unknown: number[] = [];
    // 9 failures for alice, each try from its own address: under every backoff limit.
    for (let i = 0; i < 9; i++) {
      const a = await login(one.port, freshAddress(), 'alice', `wrong${i}`);
      const b = await login(one.port, freshAddress(), `nobody${i}`, 'whatever');
      assert.deepEqual([codeOf(a.answer), codeOf(b.answer)], [AUTHENTICATION, AUTHENTICATION]);
      wrong.push(a.ms);
      unknown.push(b.ms);
    }
    t.diagnostic(`wrong password ms ${round(wrong)}, unknown user ms ${round(unknown)}`);
    const ratio = median(unknown) / median(wrong);
    assert.ok(ratio > 0.5 && ratio < 2, `unknown user median ${median(unknown)} ms vs wrong password ${median(wrong)} ms`);
  });

  it('logs a new client in quickly while 64 connections flood another user with bad passwords', { timeout: 120_000 }, async (t) => {
    // What a first login costs here without a flood (the machine may be busy with other work).
    const quiet: number[] = [];
    for (let i = 0; i < 3; i++) {
      await allocate(`quiet${i}`, 'pw');
      const r = await login(one.port, freshAddress(), `quiet${i}`, 'pw');
      assert.equal(codeOf(r.answer), 0);
      quiet.push(r.ms);
    }
    const flooded = await loginsUnderFlood(one, 5);
    // A login under the flood costs its own scrypt run beside at most one of the flood's: a few
    // hundred ms on an idle machine. A busy machine slows every run, hence the quiet figure in the
    // bound. Before fair queueing and the backoff this took 21 s.
    const bound = Math.max(2_000, 6 * median(quiet));
    t.diagnostic(`first logins: quiet ${round(quiet)} ms, under the flood ${round(flooded)} ms (bound ${Math.round(bound)} ms)`);
    assert.ok(Math.max(...flooded) < bound, `slowest login under the flood ${Math.round(Math.max(...flooded))} ms`);
  });

  it('backs off an address and a user after 10 failures, refusing even the right password, for 1 s', async () => {
    await allocate('bob', 'bob-pw');
    await allocate('carol', 'carol-pw');
    const from = freshAddress();
    const code = async (address: string, user: string, password: string) => codeOf((await login(one.port, address, user, password)).answer);
    for (let i = 0; i < 10; i++) assert.equal(await code(from, 'bob', `bad${i}`), AUTHENTICATION);
    assert.equal(await code(from, 'carol', 'carol-pw'), AUTHENTICATION, 'the address is throttled');
    assert.equal(await code(freshAddress(), 'bob', 'bob-pw'), AUTHENTICATION, 'so is the user');
    assert.equal(await code(freshAddress(), 'carol', 'carol-pw'), 0, 'others are not');
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal(await code(from, 'bob', 'bob-pw'), 0, 'after the backoff');
  });
});
