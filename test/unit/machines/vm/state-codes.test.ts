/** The numeric codes and CLI short names are public API (spec §2.1, §2.2, §5.1, §9.4). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  HistoryReason, HostState, LcmState, VmState, hostShortState, lcmStateName, reasonShort, vmShortState, vmStateName,
} from '../../../../src/machines/state-codes.ts';

describe('state codes', () => {
  it('match the 1.4 enums', () => {
    assert.deepEqual(Object.values(VmState), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual([LcmState.PROLOG, LcmState.RUNNING, LcmState.EPILOG, LcmState.CANCEL, LcmState.DELETE, LcmState.UNKNOWN], [1, 3, 11, 13, 15, 16]);
    assert.deepEqual(Object.values(LcmState), [...Array(17).keys()]);
    assert.deepEqual(HostState, { INIT: 0, MONITORING: 1, MONITORED: 2, ERROR: 3, DISABLED: 4 });
    assert.deepEqual(HistoryReason, { NONE: 0, ERROR: 1, STOP_RESUME: 2, USER: 3, CANCEL: 4 });
    assert.equal(vmStateName[3], 'ACTIVE');
    assert.equal(lcmStateName[8], 'PROLOG_MIGRATE');
  });
  it('CLI short names: ACTIVE shows the LCM one', () => {
    const dm = [0, 1, 2, 4, 5, 6, 7].map((s) => vmShortState(s, 0));
    assert.deepEqual(dm, ['init', 'pend', 'hold', 'stop', 'susp', 'done', 'fail']);
    const lcm = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].map((l) => vmShortState(VmState.ACTIVE, l));
    assert.deepEqual(lcm, ['prol', 'boot', 'runn', 'migr', 'save', 'save', 'save', 'migr', 'prol', 'epil', 'epil', 'shut', 'shut', 'fail', 'dele', 'unkn']);
    assert.deepEqual([0, 1, 2, 3, 4].map(hostShortState), ['on', 'on', 'on', 'err', 'off']);
    assert.deepEqual([0, 1, 2, 3, 4].map(reasonShort), ['none', 'erro', 'stop', 'user', 'canc']);
  });
});
