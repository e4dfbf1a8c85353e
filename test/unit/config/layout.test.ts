import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { onedConfPath, REPO_ROOT, resolveLayout } from '../../../src/config/layout.ts';

describe('resolveLayout (spec §11.5)', () => {
  it('puts everything under ONE_LOCATION when it is set', () => {
    assert.deepEqual(resolveLayout({ ONE_LOCATION: '/srv/cloud/one' }), {
      location: '/srv/cloud/one',
      etc: '/srv/cloud/one/etc',
      var: '/srv/cloud/one/var',
      lib: '/srv/cloud/one/lib',
      log: '/srv/cloud/one/var',
      run: '/srv/cloud/one/var',
      lock: '/srv/cloud/one/var/.lock',
      bin: '/srv/cloud/one/bin',
    });
  });

  it('uses the checkout itself without ONE_LOCATION, not /etc/one', () => {
    for (const env of [{}, { ONE_LOCATION: '' }, { ONE_LOCATION: '  ' }]) {
      const layout = resolveLayout(env);
      assert.equal(layout.location, undefined);
      assert.equal(layout.etc, path.join(REPO_ROOT, 'etc'));
      assert.equal(layout.var, path.join(REPO_ROOT, 'var'));
      assert.equal(layout.lib, path.join(REPO_ROOT, 'lib'));
      assert.equal(layout.bin, path.join(REPO_ROOT, 'bin'));
      assert.equal(layout.lock, path.join(REPO_ROOT, 'var', '.lock'));
    }
  });

  it('finds the repository root: the shipped oned.conf is where the layout says', () => {
    assert.ok(existsSync(path.join(REPO_ROOT, 'package.json')));
    assert.ok(existsSync(onedConfPath(resolveLayout({}))));
  });

  it('resolves a relative ONE_LOCATION to an absolute path', () => {
    const layout = resolveLayout({ ONE_LOCATION: 'rel/one' });
    assert.ok(path.isAbsolute(layout.etc));
    assert.equal(layout.etc, path.resolve('rel/one', 'etc'));
  });
});
