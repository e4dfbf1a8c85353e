import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sshSettingsFromEnv } from '../../../../src/drivers/ssh/ssh-settings.ts';
import { sshArgs } from '../../../../src/drivers/tm/place.ts';

/** The option after each `-o` of an OpenSSH command line, by name. */
const options = (args: string[]) =>
  Object.fromEntries(args.flatMap((a, i) => (args[i - 1] === '-o' ? [a.split('=')] : [])));

describe('SSH keepalives (a host cut off mid-operation must not hold it for ever)', () => {
  it('defaults to 3 keepalives 10 s apart and a 10 s connect timeout', () => {
    const s = sshSettingsFromEnv({ HOME: '/nowhere' });
    assert.deepEqual([s.aliveIntervalMs, s.aliveCountMax, s.connectTimeoutMs], [10_000, 3, 10_000]);
    const o = options(sshArgs(s));
    assert.deepEqual([o.ServerAliveInterval, o.ServerAliveCountMax, o.ConnectTimeout], ['10', '3', '10']);
  });

  it('takes ONE_SSH_ALIVE_INTERVAL_MS and ONE_SSH_ALIVE_COUNT; OpenSSH gets whole seconds, at least 1', () => {
    const s = sshSettingsFromEnv({ HOME: '/nowhere', ONE_SSH_ALIVE_INTERVAL_MS: '1500', ONE_SSH_ALIVE_COUNT: '2' });
    assert.deepEqual([s.aliveIntervalMs, s.aliveCountMax], [1500, 2]);
    assert.equal(options(sshArgs(s)).ServerAliveInterval, '2');
    assert.equal(options(sshArgs({ ...s, aliveIntervalMs: 200 })).ServerAliveInterval, '1');
  });

  it('cannot be turned off or broken by a bad value: 0, negative or not a number keep the defaults', () => {
    for (const bad of ['0', '-5', 'ten', '', '$(reboot)']) {
      const s = sshSettingsFromEnv({ HOME: '/nowhere', ONE_SSH_ALIVE_INTERVAL_MS: bad, ONE_SSH_ALIVE_COUNT: bad });
      assert.deepEqual([s.aliveIntervalMs, s.aliveCountMax], [10_000, 3], `value ${JSON.stringify(bad)}`);
    }
  });
});
