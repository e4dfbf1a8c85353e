import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailureInjector, failureSettingsFromEnv } from '../../../../src/drivers/dummy/failure-injector.ts';

describe('FailureInjector', () => {
  it('always fails listed ids, only for the listed verbs', () => {
    const settings = failureSettingsFromEnv('X', { X_FAIL_IDS: '3, 5', X_FAIL_ACTIONS: 'deploy' });
    const inj = new FailureInjector(settings);
    assert.equal(inj.shouldFail('DEPLOY', 3), true);
    assert.equal(inj.shouldFail('DEPLOY', 4), false);
    assert.equal(inj.shouldFail('SHUTDOWN', 3), false);
  });

  it('fails about `rate` of actions, identically for the same seed', () => {
    const draw = (seed: string) => {
      const inj = new FailureInjector(failureSettingsFromEnv('X', { X_FAIL_RATE: '0.3', X_FAIL_SEED: seed }));
      return Array.from({ length: 2000 }, (_, i) => inj.shouldFail('DEPLOY', i));
    };
    const a = draw('7');
    assert.deepEqual(a, draw('7'));
    assert.notDeepEqual(a, draw('8'));
    const share = a.filter(Boolean).length / a.length;
    assert.ok(share > 0.25 && share < 0.35, `share ${share}`);
  });

  it('ignores nonsense settings', () => {
    const s = failureSettingsFromEnv('X', { X_FAIL_RATE: 'lots', X_FAIL_IDS: 'a,1' });
    assert.equal(s.rate, 0);
    assert.deepEqual([...s.ids], [1]);
  });
});
