import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { frontendPath, isInside, parseLocation, parsePath } from '../../../../src/drivers/tm/location.ts';
import { NFS_COMMANDS } from '../../../../src/drivers/tm/nfs-commands.ts';
import { SSH_COMMANDS } from '../../../../src/drivers/tm/ssh-commands.ts';
import { parseCommandSet } from '../../../../src/drivers/tm/tm-conf.ts';
import { repoRoot } from '../../../integration/drivers/support.ts';

const implementations = { ...SSH_COMMANDS, ...NFS_COMMANDS, dummy: async () => undefined };

describe('tm command set files', () => {
  for (const name of ['tm_ssh', 'tm_nfs']) {
    it(`etc/${name}/${name}.conf maps all seven commands to its own implementations`, () => {
      const { set, errors } = parseCommandSet(readFileSync(join(repoRoot, 'etc', name, `${name}.conf`), 'utf8'), implementations);
      assert.deepEqual(errors, []);
      assert.deepEqual(Object.keys(set).sort(), ['CLONE', 'CONTEXT', 'DELETE', 'LN', 'MKIMAGE', 'MKSWAP', 'MV']);
      const prefix = name.slice(3);
      for (const command of Object.values(set)) assert.ok(Object.entries(implementations).some(([k, v]) => v === command && k.startsWith(`${prefix}/`)));
    });
  }

  it("reads 1.4's script names and reports every bad line", () => {
    const { set, errors } = parseCommandSet('# 1.4\nCLONE = ssh/tm_clone.sh\nLN = "nfs/tm_ln.sh"\nDELETE = dummy/tm_dummy.sh\nCOPY = ssh/clone\nMV = ssh/tm_move.sh\nMKSWAP\n', implementations);
    assert.equal(set.CLONE, SSH_COMMANDS['ssh/clone']);
    assert.equal(set.LN, NFS_COMMANDS['nfs/ln']);
    assert.equal(set.DELETE, implementations.dummy);
    assert.deepEqual(errors.map((e) => e.replace(/ \(known.*/, '')), [
      'line 5: unknown command COPY', 'line 6: unknown implementation ssh/tm_move.sh', 'line 7: expected COMMAND = implementation',
    ]);
  });
});

describe('transfer locations', () => {
  it('reads host:path, front-end paths and URLs', () => {
    assert.deepEqual(parseLocation('node1:/srv/1/images/disk.0', 'fe'), { kind: 'path', host: 'node1', path: '/srv/1/images/disk.0', local: false });
    assert.deepEqual(parseLocation('fe:/img/a b.img', 'fe'), { kind: 'path', host: 'fe', path: '/img/a b.img', local: true });
    assert.deepEqual(parseLocation('/img/x:y.img', 'fe'), { kind: 'path', host: 'fe', path: '/img/x:y.img', local: true });
    assert.deepEqual(parseLocation('https://example.org/a.qcow2', 'fe'), { kind: 'url', url: 'https://example.org/a.qcow2' });
  });

  it('refuses option-like hosts, bad host names, relative paths and URL destinations', () => {
    for (const bad of ['-oProxyCommand=x:/a', 'a b:/x', '$(id):/x', 'node1:relative', 'node1:', 'node1:-rf']) {
      assert.throws(() => parseLocation(bad, 'fe'), /invalid host name|must be absolute/, bad);
    }
    assert.throws(() => parsePath('http://h/x', 'fe'), /URL cannot be a destination/);
  });

  it('knows what is strictly inside a folder, whatever the spelling', () => {
    assert.ok(isInside('/srv/one/1/images', '/srv/one'));
    assert.ok(isInside('/srv/one/1', '/srv/one/'));
    for (const outside of ['/srv/one', '/srv/one/', '/srv/oneX/1', '/srv/one/../etc', '/srv/one/1/./x', '/srv//one/1', '/etc']) {
      assert.equal(isInside(outside, '/srv/one'), false, outside);
    }
  });

  it('maps host paths under VM_DIR into the shared var dir (tm_nfs)', () => {
    assert.equal(frontendPath('/vm/3/images/disk.0', '/vm', '/one/var'), '/one/var/3/images/disk.0');
    assert.equal(frontendPath('/vm', '/vm/', '/one/var'), '/one/var');
    assert.equal(frontendPath('/vmx/3', '/vm', '/one/var'), '/vmx/3');
  });
});
