/** The restart rule for BOOT and MIGRATE VMs on real hypervisors (src/core/restart-probe.ts), and the driver's test pause knob. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presenceOf, stepAfterRestart, type Presence } from '../../../src/core/restart-probe.ts';
import { LcmState } from '../../../src/machines/state-codes.ts';
import { kvmSettings, testPauseFrom } from '../../../src/drivers/vmm_kvm/kvm-settings.ts';

const poll = (success: boolean, info: string) => ({ verb: 'POLL', success, id: 3, info });
const boot = (verb: 'DEPLOY' | 'RESTORE' | '' = 'DEPLOY') => ({ lcm: LcmState.BOOT, bootVerb: verb });
const migrate = { lcm: LcmState.MIGRATE, bootVerb: '' as const };
const at = (host: string, found: Presence) => ({ host, found });

describe('presenceOf: what a POLL reply says about the domain', () => {
  it('reads the STATE letter; a failed poll or no letter tells nothing', () => {
    assert.equal(presenceOf(poll(true, 'STATE=a USEDMEMORY=32768')), 'present');
    for (const letter of ['p', 'e', '-']) assert.equal(presenceOf(poll(true, `STATE=${letter}`)), 'present');
    assert.equal(presenceOf(poll(true, 'STATE=d')), 'absent');
    assert.equal(presenceOf(poll(true, 'USEDMEMORY=1')), 'unknown');
    assert.equal(presenceOf(poll(true, 'STATE=x')), 'unknown');
    assert.equal(presenceOf(poll(false, 'ssh: connect to host h: Connection refused')), 'unknown');
  });
});

describe('stepAfterRestart', () => {
  it('BOOT: a domain on the host is the DEPLOY (or RESTORE) that succeeded, with the domain as deploy id', () => {
    assert.deepEqual(stepAfterRestart(boot(), 'one-3', at('a', 'present')), {
      kind: 'reply', verb: 'DEPLOY', success: true, info: 'one-3', why: 'one-3 on a already exists: DEPLOY had succeeded',
    });
    const restored = stepAfterRestart(boot('RESTORE'), 'one-3', at('a', 'present'));
    assert.equal(restored.kind === 'reply' && restored.verb, 'RESTORE');
  });

  it('BOOT: no domain sends the request again; an unreachable host is looked at again', () => {
    assert.equal(stepAfterRestart(boot(), 'one-3', at('a', 'absent')).kind, 'resend');
    assert.equal(stepAfterRestart(boot(), 'one-3', at('a', 'unknown')).kind, 'look_again');
  });

  it('MIGRATE: on the target only succeeded; on the source only (or nowhere) goes back to the source', () => {
    const done = stepAfterRestart(migrate, 'one-3', at('b', 'present'), at('a', 'absent'));
    assert.deepEqual([done.kind, done.kind === 'reply' && done.success], ['reply', true]);
    const back = stepAfterRestart(migrate, 'one-3', at('b', 'absent'), at('a', 'present'));
    assert.deepEqual([back.kind, back.kind === 'reply' && back.success], ['reply', false]);
    assert.match(back.kind === 'reply' ? back.info : '', /Migration interrupted by an oned restart; one-3 is still on a only/);
    const lost = stepAfterRestart(migrate, 'one-3', at('b', 'absent'), at('a', 'absent'));
    assert.match(lost.kind === 'reply' && !lost.success ? lost.info : '', /on neither a nor b/);
  });

  it('MIGRATE: on both hosts (still migrating) or a host that cannot be asked: look again', () => {
    assert.equal(stepAfterRestart(migrate, 'one-3', at('b', 'present'), at('a', 'present')).kind, 'look_again');
    assert.equal(stepAfterRestart(migrate, 'one-3', at('b', 'unknown'), at('a', 'present')).kind, 'look_again');
    assert.equal(stepAfterRestart(migrate, 'one-3', at('b', 'present'), at('a', 'unknown')).kind, 'look_again');
    assert.equal(stepAfterRestart(migrate, 'one-3', at('b', 'present')).kind, 'look_again', 'no source record');
  });
});

describe('VMM_KVM_TEST_PAUSE', () => {
  it('parses <verb>:<before|after>:<seconds> and refuses anything else at INIT', () => {
    assert.equal(testPauseFrom(undefined), undefined);
    assert.equal(testPauseFrom(''), undefined);
    assert.deepEqual(testPauseFrom('DEPLOY:after:30'), { verb: 'DEPLOY', when: 'after', ms: 30_000 });
    assert.deepEqual(testPauseFrom('MIGRATE:before:5'), { verb: 'MIGRATE', when: 'before', ms: 5000 });
    for (const bad of ['SHUTDOWN:after:3', 'DEPLOY:during:3', 'DEPLOY:after:-1', 'DEPLOY:after:3;rm', 'DEPLOY:after:3\n']) {
      assert.ok('error' in (testPauseFrom(bad) ?? {}), bad);
    }
    const refused = kvmSettings({ VMM_KVM_TEST_PAUSE: 'nope' }, []);
    assert.match('error' in refused ? refused.error : '', /VMM_KVM_TEST_PAUSE must be/);
    const plain = kvmSettings({}, []);
    assert.equal('error' in plain ? 'error' : plain.testPause, undefined);
  });
});
