import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readCachedFile } from '../../../../src/drivers/ssh/cached-file.ts';
import { privateKeyPath, sshCredentials } from '../../../../src/drivers/ssh/ssh-credentials.ts';
import { sshSettingsFromEnv } from '../../../../src/drivers/ssh/ssh-settings.ts';

const home = mkdtempSync(join(tmpdir(), 'one-ssh-cred-'));
after(() => rmSync(home, { recursive: true, force: true }));

describe('SSH credentials, looked up per connection', () => {
  it('readCachedFile sees a rewrite of the same path, even to the same size', () => {
    const path = join(home, 'f');
    writeFileSync(path, 'aaaa');
    assert.equal(readCachedFile(path).toString(), 'aaaa');
    writeFileSync(path, 'bbbb');
    assert.equal(readCachedFile(path).toString(), 'bbbb');
    assert.throws(() => readCachedFile(join(home, 'missing')), /ENOENT/);
  });

  it('takes ONE_SSH_KEY, else the first default key that exists now', () => {
    const settings = sshSettingsFromEnv({ HOME: home });
    assert.throws(() => privateKeyPath(settings), new RegExp(`^Error: no private key: none of ${home}/.ssh/id_ed25519, ${home}/.ssh/id_rsa exists`));
    writeFileSync(join(home, 'k'), 'x');
    assert.equal(privateKeyPath(sshSettingsFromEnv({ HOME: home, ONE_SSH_KEY: join(home, 'k') })), join(home, 'k'));
    assert.throws(() => sshCredentials('h', sshSettingsFromEnv({ HOME: home, ONE_SSH_KEY: join(home, 'nope') })), /cannot read private key .*nope \(ONE_SSH_KEY\): no such file/);
  });

  it('names known_hosts when it is missing, and skips it when host keys are not checked', () => {
    const key = join(home, 'k');
    const strict = sshSettingsFromEnv({ HOME: home, ONE_SSH_KEY: key });
    assert.throws(() => sshCredentials('h', strict), new RegExp(`cannot read known_hosts ${home}/.ssh/known_hosts: no such file`));
    assert.deepEqual(sshCredentials('h', sshSettingsFromEnv({ HOME: home, ONE_SSH_KEY: key, ONE_SSH_STRICT: 'no' })).knownKeys, []);
  });
});
