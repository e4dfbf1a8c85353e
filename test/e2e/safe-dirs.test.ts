import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sessionOf } from '../../src/rpc/one-auth.ts';
import { allEvents, Oned, sha1hex, waitFor } from '../helpers/oned-harness.ts';

/**
 * SAFE_DIRS through a real oned (default: <var>/images): a user other than
 * oneadmin cannot have oned's own one.db, or any front-end file outside
 * SAFE_DIRS, put into a VM as DISK SOURCE or CONTEXT FILES; the refusal is
 * 0x1000 and appends nothing to the log. oneadmin may use any file.
 */
describe('SAFE_DIRS at one.vm.allocate', () => {
  let one: Oned;
  let alice: string;
  let aliceUid: number;
  let db: string;
  let images: string;

  before(async () => {
    one = await Oned.start();
    db = join(one.location, 'var', 'one.db');
    images = join(one.location, 'var', 'images');
    mkdirSync(images);
    writeFileSync(join(images, 'ttylinux.img'), 'image');
    writeFileSync(join(images, 'init.sh'), 'echo hi');
    symlinkSync(db, join(images, 'db.img'));
    aliceUid = (await one.ok('one.user.allocate', 'alice', sha1hex('wonder'))) as number;
    alice = sessionOf({ user: 'alice', password: 'wonder' });
  });

  after(async () => {
    await one?.stop();
    one?.remove();
  });

  const allocateAs = async (session: string, template: string) =>
    (await one.client.call('one.vm.allocate', [session, `NAME = t\n${template}`])) as [boolean, unknown, number];
  const vmEvents = async () => (await allEvents(one)).filter((e) => e.stream.startsWith('vm/')).length;
  const rule = () => `SAFE_DIRS (${images}); only oneadmin may use other front-end files`;

  it('refuses alice oned\'s own one.db and other front-end files with 0x1000, storing nothing', async () => {
    const before = (await allEvents(one)).length;
    const cases: [string, string][] = [
      [`DISK = [ SOURCE = "${db}", TARGET = hda ]`, `Error in DISK 0: SOURCE ${db} is outside ${rule()}`],
      [`DISK = [ SOURCE = "${images}/ttylinux.img" ]\nDISK = [ SOURCE = "${images}/../one.db" ]`, `Error in DISK 1: SOURCE ${images}/../one.db is outside ${rule()}`],
      [`DISK = [ SOURCE = "${images}/db.img" ]`, `Error in DISK 0: SOURCE ${images}/db.img leaves SAFE_DIRS (${images}) through a symbolic link; only oneadmin may use other front-end files`],
      [`DISK = [ SOURCE = "${images}-x/a.img" ]`, `Error in DISK 0: SOURCE ${images}-x/a.img is outside ${rule()}`],
      [`DISK = [ SOURCE = "localhost:${db}" ]`, `Error in DISK 0: SOURCE localhost:${db} is a host:path location, which only oneadmin may use (others: an http(s) URL or a path inside SAFE_DIRS (${images}))`],
      [`CONTEXT = [ FILES = "${images}/init.sh ${db}" ]`, `Error in CONTEXT: FILES entry ${db} is outside ${rule()}`],
      ['CONTEXT = [ FILES = "/etc/shadow" ]', `Error in CONTEXT: FILES entry /etc/shadow is outside ${rule()}`],
      ['CONTEXT = [ FILES = "/etc/$(id)" ]', `Error in CONTEXT: FILES entry /etc/$(id) is outside ${rule()}`],
    ];
    for (const [template, message] of cases) {
      assert.deepEqual(await allocateAs(alice, template), [false, `[VirtualMachineAllocate] ${message}`, 0x1000], template);
    }
    assert.equal((await allEvents(one)).length, before, 'nothing appended to the log');
    assert.doesNotMatch(String(await one.ok('one.vmpool.info', -2)), /<VM>/, 'no VM was created');
  });

  it('accepts alice\'s files inside SAFE_DIRS and http(s) sources', async () => {
    const before = await vmEvents();
    const [ok, vid] = await allocateAs(alice, [
      `DISK = [ SOURCE = "${images}/ttylinux.img", TARGET = hda ]`,
      `DISK = [ SOURCE = "${images}/sub/../ttylinux.img", TARGET = hdb ]`,
      'DISK = [ SOURCE = "http://images.example/a.img", TARGET = hdc ]',
      `CONTEXT = [ FILES = "${images}/init.sh", HOSTNAME = "$NAME" ]`,
    ].join('\n'));
    assert.equal(ok, true, String(vid));
    assert.match(String(await one.ok('one.vm.info', vid)), new RegExp(`<UID>${aliceUid}</UID>`));
    assert.ok((await vmEvents()) > before);
  });

  it('lets oneadmin use any front-end file, one.db included', async () => {
    const vid = await one.ok('one.vm.allocate', `NAME = admin\nDISK = [ SOURCE = "${db}", TARGET = hda ]\nCONTEXT = [ FILES = "/etc/hostname ${db}" ]`);
    assert.equal(typeof vid, 'number');
  });

  it('checks again at PROLOG: a file swapped for a link to one.db after allocation fails the VM, nothing is copied', async () => {
    const hid = await one.ok('one.host.allocate', 'node1', 'im_dummy', 'vmm_dummy', 'tm_dummy');
    writeFileSync(join(images, 'swapped.img'), 'image');
    const [ok, vid] = await allocateAs(alice, `DISK = [ SOURCE = "${images}/swapped.img", TARGET = hda ]`);
    assert.equal(ok, true, String(vid));
    rmSync(join(images, 'swapped.img'));
    symlinkSync(db, join(images, 'swapped.img'));
    await one.ok('one.vm.deploy', vid, hid);
    await waitFor(`VM ${vid} FAILED`, async () => /<STATE>7<\/STATE>/.test(String(await one.ok('one.vm.info', vid))));
    const log = readFileSync(join(one.location, 'var', String(vid), 'vm.log'), 'utf8');
    assert.match(log, new RegExp(`SOURCE ${images}/swapped.img leaves SAFE_DIRS \\(${images}\\) through a symbolic link`));
    assert.equal(existsSync(join(one.location, 'var', String(vid), 'transfer.0.prolog')), false, 'no transfer script was written');
  });
});
