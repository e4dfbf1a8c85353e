import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { describeAt, parseAt, reaches } from '../../../src/audit/at-instant.ts';

const value = (text: string) => {
  const r = parseAt(text);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
  return r.value;
};

describe('oneaudit --at: a seq, @epoch seconds or an ISO 8601 time', () => {
  it('a plain number is a seq, never a time', () => {
    assert.deepEqual(value('0'), { kind: 'seq', seq: 0 });
    assert.deepEqual(value(' 1234 '), { kind: 'seq', seq: 1234 });
    assert.deepEqual(value('1764974314'), { kind: 'seq', seq: 1764974314 });
  });

  it('@ seconds and ISO times with their zone become epoch milliseconds', () => {
    assert.deepEqual(value('@1764974314'), { kind: 'time', ms: 1764974314000 });
    assert.deepEqual(value('@1764974314.25'), { kind: 'time', ms: 1764974314250 });
    assert.deepEqual(value('2026-12-05T22:38:34Z'), { kind: 'time', ms: Date.UTC(2026, 11, 5, 22, 38, 34) });
    assert.deepEqual(value('2026-12-05T22:38:34.123Z'), { kind: 'time', ms: Date.UTC(2026, 11, 5, 22, 38, 34, 123) });
    assert.deepEqual(value('2026-12-05T23:38:34+01:00'), { kind: 'time', ms: Date.UTC(2026, 11, 5, 22, 38, 34) });
    assert.deepEqual(value('2026-12-05 22:38Z'), { kind: 'time', ms: Date.UTC(2026, 11, 5, 22, 38) });
    assert.deepEqual(value('2026-12-05'), { kind: 'time', ms: Date.UTC(2026, 11, 5) });
  });

  it('refuses anything else with the forms it takes, attack strings included', () => {
    for (const bad of ['', 'yesterday', '-1', '12abc', '2026-12-05T22:38:34', '2026-13-45T22:38:34Z', '@', '@-5', '1e3', '$(id)', 'a\nb', '99999999999999999999']) {
      const r = parseAt(bad);
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.match(r.message, bad === '99999999999999999999' ? /too large/ : /give a seq \(1234\), epoch seconds \(@1764974314\) or an ISO 8601 time/);
    }
  });

  it('an instant reaches the events committed at or before it; a seq those up to it', () => {
    const at = value('@100');
    assert.equal(reaches(at, { seq: 9, ts: 100_000 }), true);
    assert.equal(reaches(at, { seq: 1, ts: 100_001 }), false);
    assert.equal(reaches(value('5'), { seq: 5, ts: 9e12 }), true);
    assert.equal(reaches(value('5'), { seq: 6, ts: 0 }), false);
  });

  it('any ISO time printed by toISOString reads back to the same millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        const iso = new Date(ms).toISOString();
        assert.deepEqual(value(iso), { kind: 'time', ms });
        assert.equal(describeAt({ kind: 'time', ms }), iso);
      }),
    );
  });
});
