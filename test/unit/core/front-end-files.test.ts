import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { frontEndFileProblem, pathProblem } from '../../../src/core/front-end-files.ts';
import { parseTemplate } from '../../../src/template/parse-template.ts';

/**
 * The SAFE_DIRS rule on real files: a temporary front-end with a safe
 * folder holding an image, symlinks out of it (to /etc) and within it,
 * and a sibling folder whose name starts like the safe one.
 */
const root = mkdtempSync(join(tmpdir(), 'safe-dirs-'));
const safe = join(root, 'safe');
mkdirSync(join(safe, 'sub'), { recursive: true });
mkdirSync(join(root, 'safe-evil'));
mkdirSync(join(root, 'secret'));
writeFileSync(join(safe, 'a.img'), 'image');
writeFileSync(join(root, 'safe-evil', 'x.img'), 'not safe');
writeFileSync(join(root, 'secret', 'one.db'), 'db');
symlinkSync('/etc', join(safe, 'etc'));
symlinkSync('/etc/shadow', join(safe, 'shadow.img'));
symlinkSync(join(root, 'secret'), join(safe, 'secret-dir'));
symlinkSync(join(root, 'secret', 'later.img'), join(safe, 'dangling.img'));
symlinkSync(join(safe, 'a.img'), join(safe, 'sub', 'inner.img'));
const dirs = [safe];

const refused = (path: string) => pathProblem(path, dirs);

describe('SAFE_DIRS: the front-end files a user other than oneadmin may use', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it('accepts files inside, existing or not, and symlinks that stay inside', () => {
    for (const path of [`${safe}/a.img`, `${safe}/later.img`, `${safe}/sub/new/x.img`, `${safe}/sub/inner.img`, `${safe}//a.img`, `${safe}/./a.img`, `${safe}/sub/../a.img`]) {
      assert.equal(refused(path), undefined, path);
    }
  });

  it('resolves .. on the text: no escape out of the safe folder', () => {
    for (const path of [`${safe}/../secret/one.db`, `${safe}/sub/../../secret/one.db`, `${safe}/../../../../etc/shadow`, `/../${safe}/../secret/one.db`]) {
      assert.match(refused(path) ?? '', /^is outside SAFE_DIRS \(/, path);
    }
  });

  it('refuses a path that leaves through a symlink, into /etc or another folder, without naming the target', () => {
    for (const path of [`${safe}/etc/shadow`, `${safe}/etc/passwd`, `${safe}/shadow.img`, `${safe}/secret-dir/one.db`, `${safe}/etc/no-such-file`]) {
      assert.equal(refused(path), `leaves SAFE_DIRS (${safe}) through a symbolic link; only oneadmin may use other front-end files`, path);
    }
    // `link/..` is the parent of the link's target for the kernel: `/etc/..` is `/`, not the safe folder.
    assert.match(refused(`${safe}/etc/../etc/hostname`) ?? '', /through a symbolic link/);
    assert.match(refused(`${safe}/secret-dir/../secret/one.db`) ?? '', /through a symbolic link/);
    // A dangling link could later point at anything.
    assert.match(refused(`${safe}/dangling.img`) ?? '', /through a symbolic link|cannot be resolved/);
  });

  it('is not fooled by a folder whose name starts like a safe one, nor by trailing slashes', () => {
    assert.match(refused(`${root}/safe-evil/x.img`) ?? '', /^is outside/);
    assert.match(refused(`${safe}-evil/x.img`) ?? '', /^is outside/);
    // The safe folder itself is not a file inside it.
    for (const path of [safe, `${safe}/`, `${safe}//`, `${safe}/.`, `${safe}/sub/..`]) assert.match(refused(path) ?? '', /^is outside/, path);
    assert.equal(refused(`${safe}/a.img/`), undefined);
    assert.equal(pathProblem(`${safe}/a.img`, [`${safe}/`]), undefined);
    assert.match(pathProblem(`${root}/safe-evil/x.img`, [`${safe}/`]) ?? '', /^is outside/);
  });

  it('refuses relative paths and attack strings, and accepts quotes and $(...) as plain names inside', () => {
    assert.match(refused('a.img') ?? '', /^is not an absolute path inside SAFE_DIRS/);
    assert.match(refused('safe/../../etc/shadow') ?? '', /^is not an absolute path/);
    for (const path of [`${safe}/a.img\n/etc/shadow`, `${safe}/a.img\0/etc/shadow`, `/etc/shadow\0${safe}/a.img`]) {
      assert.equal(refused(path), 'contains a control character', JSON.stringify(path));
    }
    assert.match(refused('/etc/$(cat /etc/shadow)') ?? '', /^is outside/);
    assert.match(refused('/etc/`id`;x') ?? '', /^is outside/);
    assert.equal(refused(`${safe}/$(id);\`id\`'".img`), undefined);
  });

  it('allows nothing with no SAFE_DIRS, and everything below / when it is listed', () => {
    assert.equal(pathProblem(`${safe}/a.img`, []), 'is outside SAFE_DIRS (none); only oneadmin may use other front-end files');
    assert.equal(pathProblem('/etc/shadow', ['/']), undefined);
  });
});

describe('frontEndFileProblem: DISK SOURCE and CONTEXT FILES of a VM template', () => {
  const vm = (text: string) => {
    const parsed = parseTemplate(`${text}\n`);
    assert.ok(parsed.ok);
    return parsed.value;
  };
  const check = (text: string, uid = 5) => frontEndFileProblem(vm(text), uid, dirs);

  it('names the disk or CONTEXT and the rule', () => {
    assert.equal(check(`DISK = [ SOURCE = ${safe}/a.img ]\nDISK = [ source = /var/lib/one/one.db ]`),
      `Error in DISK 1: SOURCE /var/lib/one/one.db is outside SAFE_DIRS (${safe}); only oneadmin may use other front-end files`);
    assert.equal(check(`CONTEXT = [ FILES = "${safe}/a.img /etc/shadow", HOSTNAME = x ]`),
      `Error in CONTEXT: FILES entry /etc/shadow is outside SAFE_DIRS (${safe}); only oneadmin may use other front-end files`);
    assert.match(check('CONTEXT = [ FILES = "http://h/x.sh" ]') ?? '', /^Error in CONTEXT: FILES entry http:\/\/h\/x\.sh is not an absolute path/);
  });

  it('allows http(s) sources, files inside SAFE_DIRS and disks without SOURCE', () => {
    assert.equal(check(`DISK = [ SOURCE = "http://h/a.img" ]\nDISK = [ SOURCE = "HTTPS://h/b" ]\nDISK = [ TYPE = swap, SIZE = 64 ]\nDISK = [ SOURCE = ${safe}/a.img ]\nCONTEXT = [ FILES = "${safe}/a.img  ${safe}/sub/inner.img" ]`), undefined);
  });

  it('refuses host:path sources, which reach any host through oned\'s ssh key', () => {
    for (const source of ['localhost:/var/lib/one/one.db', `node1:${safe}/a.img`, 'ftp://h/x']) {
      assert.match(check(`DISK = [ SOURCE = "${source}" ]`) ?? '', /^Error in DISK 0: SOURCE \S+ is a host:path location, which only oneadmin may use/, source);
    }
  });

  it('lets oneadmin (uid 0) use any front-end file', () => {
    assert.equal(check('DISK = [ SOURCE = /etc/shadow ]\nDISK = [ SOURCE = "localhost:/etc" ]\nCONTEXT = [ FILES = "/root/.ssh/id_rsa rel" ]', 0), undefined);
  });
});
