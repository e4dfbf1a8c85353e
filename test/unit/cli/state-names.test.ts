import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hostShortState,
  hostStateName,
  lcmStateName,
  reasonShortName,
  vmShortState,
  vmStateName,
} from '../../../src/cli/lib/state-names.ts';

describe('VM short states (§2.1, §2.2)', () => {
  it('shows the DM short name unless the VM is ACTIVE', () => {
    const dm = [0, 1, 2, 4, 5, 6, 7].map((s) => vmShortState(s, 0));
    assert.deepEqual(dm, ['init', 'pend', 'hold', 'stop', 'susp', 'done', 'fail']);
  });

  it('shows the LCM short name while ACTIVE', () => {
    const lcm = Array.from({ length: 16 }, (_, i) => vmShortState(3, i + 1));
    assert.deepEqual(lcm, [
      'prol', 'boot', 'runn', 'migr', 'save', 'save', 'save', 'migr',
      'prol', 'epil', 'epil', 'shut', 'shut', 'fail', 'dele', 'unkn',
    ]);
  });

  it('has full names for show', () => {
    assert.equal(vmStateName(3), 'ACTIVE');
    assert.equal(lcmStateName(9), 'PROLOG_RESUME');
    assert.equal(lcmStateName(16), 'UNKNOWN');
    assert.equal(vmStateName(42), '?42');
  });
});

describe('host states (§5.1) and history reasons (§2.2)', () => {
  it('maps host states to on/err/off', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map(hostShortState), ['on', 'on', 'on', 'err', 'off']);
    assert.equal(hostStateName(1), 'MONITORING');
  });

  it('maps history reasons to their short forms', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map(reasonShortName), ['none', 'erro', 'stop', 'user', 'canc']);
  });
});
