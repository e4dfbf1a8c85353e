import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { authFilePath, parseAuthLine, sessionFromAuth, sha1Hex } from '../../../src/cli/lib/auth.ts';
import { CliError } from '../../../src/cli/lib/cli-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'one-auth-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('credentials (§3.2)', () => {
  it('builds user:sha1hex(password) from $ONE_AUTH', () => {
    const file = join(dir, 'one_auth');
    writeFileSync(file, 'oneadmin:password\n');
    assert.equal(sessionFromAuth({ env: { ONE_AUTH: file } }), 'oneadmin:5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8');
  });

  it('defaults to ~/.one/one_auth', () => {
    assert.equal(authFilePath({ env: {}, home: '/home/helen' }), '/home/helen/.one/one_auth');
    assert.equal(authFilePath({ env: { ONE_AUTH: '/etc/x' }, home: '/home/helen' }), '/etc/x');
    const home = join(dir, 'home');
    const seen: string[] = [];
    sessionFromAuth({ env: {}, home, readFile: (p) => (seen.push(p), 'a:b') });
    assert.deepEqual(seen, [join(home, '.one', 'one_auth')]);
  });

  it('keeps colons inside the password and ignores the trailing newline', () => {
    assert.deepEqual(parseAuthLine('\nhelen:pa:ss\r\n', 'f'), { user: 'helen', password: 'pa:ss' });
    assert.equal(sha1Hex('pa:ss'), sha1Hex(parseAuthLine('helen:pa:ss\n', 'f').password));
  });

  it('names both ONE_AUTH and ~/.one/one_auth when the file is missing', () => {
    const missing = join(dir, 'nope');
    assert.throws(
      () => sessionFromAuth({ env: { ONE_AUTH: missing } }),
      (e: Error) =>
        e instanceof CliError && e.message.includes(missing) && e.message.includes('ONE_AUTH') && e.message.includes('~/.one/one_auth') && e.message.includes('ENOENT'),
    );
  });

  it('rejects a file without user:password', () => {
    const file = join(dir, 'bad');
    writeFileSync(file, 'justaname\n');
    assert.throws(() => sessionFromAuth({ env: { ONE_AUTH: file } }), /user:password/);
  });
});
