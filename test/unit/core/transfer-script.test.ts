import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { transferScript, type TransferInput } from '../../../src/core/transfer-script.ts';

const base: TransferInput = {
  action: 'PROLOG',
  vid: 7,
  hostname: 'node1',
  vmDir: '/srv/one',
  varDir: '/var/lib/one',
  frontend: 'front',
  disks: [],
};

describe('transfer scripts (spec §4.5)', () => {
  it('writes one PROLOG line per disk kind, and the context ISO last', () => {
    const out = transferScript({
      ...base,
      disks: [
        { SOURCE: '/images/a.img', TARGET: 'hda' },
        { SOURCE: 'http://x/b.img', CLONE: 'no', SIZE: '10' },
        { TYPE: 'swap', SIZE: '512' },
        { TYPE: 'fs', SIZE: '1024', FORMAT: 'ext3' },
        { TYPE: 'swap' },
      ],
      context: { script: '/var/lib/one/7/context.sh', files: ['/tmp/f1'] },
    });
    assert.ok(out.ok);
    assert.equal(
      out.text,
      [
        'CLONE front:/images/a.img node1:/srv/one/7/images/disk.0',
        'LN http://x/b.img node1:/srv/one/7/images/disk.1 10',
        'MKSWAP 512 node1:/srv/one/7/images/disk.2',
        'MKIMAGE 1024 ext3 node1:/srv/one/7/images/disk.3',
        'CONTEXT /var/lib/one/7/context.sh /tmp/f1 node1:/srv/one/7/images/disk.5',
        '',
      ].join('\n'),
    );
    assert.deepEqual(out.warnings, ['Swap disk 4 has no SIZE, skipped']);
  });

  it('fails a PROLOG whose disk has no SOURCE', () => {
    const out = transferScript({ ...base, disks: [{ TARGET: 'hda' }] });
    assert.deepEqual(out, { ok: false, message: 'DISK 0 has no SOURCE' });
  });

  it('moves saved disks back at EPILOG, then deletes the images dir', () => {
    const out = transferScript({ ...base, action: 'EPILOG', disks: [{ SOURCE: 'a' }, { SOURCE: 'b', SAVE: 'YES' }] });
    assert.ok(out.ok);
    assert.equal(out.text, 'MV node1:/srv/one/7/images/disk.1 front:/var/lib/one/7/disk.1\nDELETE node1:/srv/one/7/images\n');
  });

  it('uses the previous host for migrations and delete_prev', () => {
    const mig = transferScript({ ...base, action: 'PROLOG_MIGR', prevHostname: 'node0' });
    const del = transferScript({ ...base, action: 'EPILOG_DELETE_PREVIOUS', prevHostname: 'node0' });
    assert.ok(mig.ok && del.ok);
    assert.equal(mig.text, 'MV node0:/srv/one/7/images node1:/srv/one/7/images\n');
    assert.equal(del.text, 'DELETE node0:/srv/one/7/images\n');
  });

  it('stops to and resumes from the front-end var dir', () => {
    const stop = transferScript({ ...base, action: 'EPILOG_STOP' });
    const resume = transferScript({ ...base, action: 'PROLOG_RESUME' });
    assert.ok(stop.ok && resume.ok);
    assert.equal(stop.text, 'MV node1:/srv/one/7/images front:/var/lib/one/7\n');
    assert.equal(resume.text, 'MV front:/var/lib/one/7/images node1:/srv/one/7/images\n');
  });
});
