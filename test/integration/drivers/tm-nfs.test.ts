import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { transferScript, type TransferInput } from '../../../src/core/transfer-script.ts';
import { shellQuote } from '../../../src/inputs/shell-words.ts';
import { driverEnv, scratch } from './support.ts';
import { ATTACK_NAME, findNamed, imageFormat, isoFile, isoNames, oneLocation, qcow2Image, sha256, startTm, writeContext } from './tm-support.ts';

// Needs qemu-utils and genisoimage. The "shared" VM_DIR is a folder that is the front-end's
// var dir (a symbolic link to it here, where a real host would have an NFS mount): tm_nfs must
// do everything on the front-end and never contact the host, whose name does not even resolve.
const tmp = scratch();
const frontend = hostname();
const vmDir = join(tmp.dir, 'mnt one');
const { location, varDir } = oneLocation(join(tmp.dir, 'one'), vmDir);
symlinkSync(varDir, vmDir);
let tm: Awaited<ReturnType<typeof startTm>>;

before(async () => {
  tm = await startTm('tm_nfs', driverEnv({ ONE_LOCATION: location }));
});
after(async () => {
  await tm?.stop();
  tmp.remove();
});

const script = (input: Partial<TransferInput> & Pick<TransferInput, 'action' | 'vid'>): string => {
  const made = transferScript({ hostname: 'node1.invalid', vmDir, varDir, frontend, disks: [], ...input });
  assert.ok(made.ok);
  return made.text;
};
const images = (vid: number) => join(varDir, String(vid), 'images');
const image = join(tmp.dir, 'src dir', ATTACK_NAME);
const disks: Record<string, string>[] = [
  { SOURCE: image, TARGET: 'hda', SAVE: 'yes' },
  { SOURCE: image, CLONE: 'no', TARGET: 'hdb' },
  { TYPE: 'swap', SIZE: '8', TARGET: 'hdc' },
  { TYPE: 'fs', SIZE: '8', FORMAT: 'raw', TARGET: 'hdd' },
];

describe('one_tm with tm_nfs on a shared folder', () => {
  it('PROLOG copies (CLONE) and links (LN) into the shared folder and builds swap, image and context ISO', async () => {
    mkdirSync(join(tmp.dir, 'src dir'));
    qcow2Image(image);
    const extra = join(tmp.dir, `$(touch\${IFS}MARK).txt`);
    writeFileSync(extra, 'data\n');
    const context = writeContext(varDir, 1, [['IP', '10.0.0.1'], ['CMD', `$(touch MARK)';'`], ['FILES', extra]]);
    const reply = await tm.transfer(varDir, 1, script({ action: 'PROLOG', vid: 1, disks, context }));
    assert.equal(reply.result, 'SUCCESS', reply.info);
    assert.equal(sha256(join(images(1), 'disk.0')), sha256(image));
    assert.equal(lstatSync(join(images(1), 'disk.0')).isSymbolicLink(), false);
    assert.equal(readlinkSync(join(images(1), 'disk.1')), image);
    assert.equal(readFileSync(join(images(1), 'disk.2')).subarray(4086, 4096).toString(), 'SWAPSPACE2');
    assert.equal(imageFormat(join(images(1), 'disk.3')).format, 'raw');
    assert.deepEqual(isoNames(join(images(1), 'disk.4')), ['$(touch${IFS}MARK).txt', 'context.sh']);
    assert.match(isoFile(join(images(1), 'disk.4'), 'context.sh'), /^CMD='\$\(touch MARK\)'\\'';'\\'''$/m);
    assert.deepEqual(findNamed(tmp.dir, 'MARK'), []);
  });

  it('stop, resume and migration leave the files in place; EPILOG moves SAVE=yes disks and deletes the folder', async () => {
    const sum = sha256(join(images(1), 'disk.0'));
    for (const action of ['EPILOG_STOP', 'PROLOG_RESUME', 'PROLOG_MIGR'] as const) {
      const reply = await tm.transfer(varDir, 1, script({ action, vid: 1, prevHostname: 'node2.invalid' }));
      assert.equal(reply.result, 'SUCCESS', `${action}: ${reply.info}`);
      assert.equal(sha256(join(images(1), 'disk.0')), sum, action);
    }
    const epilog = await tm.transfer(varDir, 1, script({ action: 'EPILOG', vid: 1, disks }));
    assert.equal(epilog.result, 'SUCCESS', epilog.info);
    // Sent again, as after an oned restart: the saved disk has moved already, DELETE finds nothing.
    const again = await tm.transfer(varDir, 1, script({ action: 'EPILOG', vid: 1, disks }));
    assert.equal(again.result, 'SUCCESS', again.info);
    assert.equal(sha256(join(varDir, '1', 'disk.0')), sum);
    assert.equal(existsSync(images(1)), false);
    assert.ok(existsSync(image), 'the linked source image is not touched');
  });

  it('DELETE refuses paths outside VM_DIR; a missing source fails with the command text', async () => {
    const reply = await tm.transfer(varDir, 2, `DELETE node1:${shellQuote(tmp.dir)}\n`);
    assert.equal(reply.result, 'FAILURE');
    assert.match(reply.info, /refusing to remove/);
    assert.ok(existsSync(tmp.dir));
    const missing = await tm.transfer(varDir, 2, script({ action: 'PROLOG', vid: 2, disks: [{ SOURCE: '/nonexistent/a.img' }] }));
    assert.equal(missing.result, 'FAILURE');
    assert.ok(missing.info.startsWith(`CLONE ${frontend}:/nonexistent/a.img `), missing.info);
    assert.match(missing.info, /disk\.0': mkdir -p -- .* && cp -- \/nonexistent\/a\.img .* \(on front-end\): cp: cannot stat '\/nonexistent\/a\.img': No such file or directory$/);
  });

  it('a command set that cannot be read, or names an unknown implementation, fails every TRANSFER with the reason', async () => {
    writeFileSync(join(location, 'etc', 'bad.conf'), 'CLONE = nfs/clone\nMV = scp/mv\n');
    for (const [args, reason] of [['tm_nope/tm_nope.conf', /cannot read .*tm_nope\.conf: ENOENT/], ['bad.conf', /bad\.conf: line 2: unknown implementation scp\/mv/]] as const) {
      const broken = await startTm('tm_nfs', driverEnv({ ONE_LOCATION: location }), args);
      try {
        const reply = await broken.transfer(varDir, 9, 'DELETE node1:/x/9/images\n');
        assert.equal(reply.result, 'FAILURE');
        assert.match(reply.info, /^Transfer driver not set up: /);
        assert.match(reply.info, reason);
      } finally {
        await broken.stop();
      }
    }
  });
});
