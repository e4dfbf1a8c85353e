import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_SCHED_CONF, parseSchedConf } from '../../../src/scheduler/process/sched-conf.ts';
import { REPO } from '../../helpers/oned-harness.ts';

describe('sched.conf', () => {
  it('reads the shipped file as the documented defaults', () => {
    const parsed = parseSchedConf(readFileSync(join(REPO, 'etc', 'sched.conf'), 'utf8'), 'sched.conf');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, DEFAULT_SCHED_CONF);
  });

  it('maps the four policies to their RANK', () => {
    const rankOf = (line: string) => {
      const parsed = parseSchedConf(line, 'sched.conf');
      assert.ok(parsed.ok, JSON.stringify(parsed));
      return parsed.value.defaultRank;
    };
    assert.equal(rankOf('DEFAULT_SCHED = [ POLICY = 0 ]'), 'RUNNING_VMS');
    assert.equal(rankOf('DEFAULT_SCHED = [ POLICY = 1 ]'), '- RUNNING_VMS');
    assert.equal(rankOf('DEFAULT_SCHED = [ POLICY = 2 ]'), 'FREE_CPU');
    assert.equal(rankOf('DEFAULT_SCHED = [ POLICY = 3, RANK = "FREE_MEM - RUNNING_VMS" ]'), 'FREE_MEM - RUNNING_VMS');
  });

  it('keeps defaults for unset keys and reads the limits', () => {
    const parsed = parseSchedConf('MAX_HOST = 4\nHYPERVISOR_MEM = 0.25\nSCHED_INTERVAL=5', 'sched.conf');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, { ...DEFAULT_SCHED_CONF, maxHost: 4, hypervisorMem: 0.25, schedInterval: 5 });
  });

  it('reports every bad line with file:line and the key', () => {
    const parsed = parseSchedConf(
      ['MAX_VM = -3', 'HYPERVISOR_MEM = 1.5', 'DEFAULT_SCHED = [ POLICY = 7 ]', 'DEFAULT_SCHED = [ POLICY = 3 ]', 'COLOR = blue', 'MAX_HOST = [ A = 1 ]'].join('\n'),
      'sched.conf',
    );
    assert.equal(parsed.ok, false);
    const messages = parsed.ok ? [] : parsed.error.map((p) => `${p.line}: ${p.message}`);
    assert.deepEqual(messages, [
      '1: MAX_VM: must be an integer from 1 to 10000000, got "-3"',
      '2: HYPERVISOR_MEM: must be a number from 0 up to (not including) 1, got "1.5"',
      '3: DEFAULT_SCHED: POLICY must be 0 (packing), 1 (striping), 2 (load-aware) or 3 (custom), got "7"',
      '4: DEFAULT_SCHED: POLICY = 3 (custom) needs RANK = "<expression>"',
      '5: COLOR: unknown key',
      '6: MAX_HOST: must be a single value, not a vector',
    ]);
  });

  it('refuses a custom RANK that does not parse, saying where', () => {
    const parsed = parseSchedConf('DEFAULT_SCHED = [ POLICY = 3, RANK = "FREE_CPU * (2" ]', 'sched.conf');
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.error[0]!.message, /^DEFAULT_SCHED: RANK: .+/);
  });

  it('reports a syntax error with its line', () => {
    const parsed = parseSchedConf('MAX_VM = 3\nDEFAULT_SCHED = [ POLICY = 1', 'sched.conf');
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.error[0]!.message, /syntax error/);
  });
});
