import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { transferScript, type TransferInput } from '../../../src/core/transfer-script.ts';
import { quoteWord } from '../../../src/inputs/shell-words.ts';
import { startSshHosts, type SshHosts } from '../../helpers/sshd-hosts.ts';
import { driverEnv, scratch, waitUntil } from './support.ts';
import { ATTACK_NAME, findNamed, imageFormat, isoFile, isoNames, oneLocation, qcow2Image, sha256, startTm, writeContext } from './tm-support.ts';

// Needs openssh-server, qemu-utils (qemu-img, qemu-io) and genisoimage (genisoimage, isoinfo).
// The sshd hosts are this machine: the front-end's var dir and VM_DIR are two folders of it.
const tmp = scratch();
const frontend = hostname();
const vmDir = join(tmp.dir, 'vm dir');
const { location, varDir } = oneLocation(join(tmp.dir, 'one'), vmDir);
let ssh: SshHosts;
let tm: Awaited<ReturnType<typeof startTm>>;
let host: string;

before(async () => {
  ssh = await startSshHosts(2);
  host = ssh.hosts[0].address;
  tm = await startTm('tm_ssh', driverEnv({
    ONE_LOCATION: location,
    ONE_SSH_KEY: ssh.keyPath,
    ONE_SSH_KNOWN_HOSTS: ssh.knownHostsPath,
    ONE_SSH_PORT: String(ssh.hosts[0].port),
  }));
});
after(async () => {
  await tm?.stop();
  await ssh?.stop();
  tmp.remove();
});

/** A script exactly as oned writes it. */
function script(input: Partial<TransferInput> & Pick<TransferInput, 'action' | 'vid'>): string {
  const made = transferScript({ hostname: host, vmDir, varDir, frontend, disks: [], ...input });
  assert.ok(made.ok);
  return made.text;
}

const images = (vid: number) => join(vmDir, String(vid), 'images');
const image = join(tmp.dir, 'src dir', ATTACK_NAME);
// FILES is blank-separated (as in 1.4): the attack file name has no blank.
const CONTEXT_NAME = `ctx$(touch\${IFS}MARK)'q';\`touch\${IFS}MARK\`.txt`;
const contextFile = join(tmp.dir, 'ctx', CONTEXT_NAME);
const disks: Record<string, string>[] = [
  { SOURCE: image, TARGET: 'hda', SAVE: 'yes' },
  { TYPE: 'swap', SIZE: '16', TARGET: 'hdb' },
  { TYPE: 'fs', SIZE: '8', FORMAT: 'qcow2', TARGET: 'hdc' },
  { TYPE: 'fs', SIZE: '8', FORMAT: 'ext4', TARGET: 'hdd' },
];

describe('one_tm with tm_ssh against real sshd hosts', () => {
  it('PROLOG copies a qcow2 image, makes swap, images and the context ISO on the host', async () => {
    mkdirSync(join(tmp.dir, 'src dir'));
    mkdirSync(join(tmp.dir, 'ctx'));
    qcow2Image(image);
    writeFileSync(contextFile, 'extra file\n');
    const context = writeContext(varDir, 1, [
      ['HOSTNAME', 'web-1'], ['EVIL', `$(touch MARK) \`touch MARK\` it's "x"; echo`], ['FILES', contextFile], ['TARGET', 'hde'],
    ]);
    const reply = await tm.transfer(varDir, 1, script({ action: 'PROLOG', vid: 1, disks, context }));
    assert.equal(reply.result, 'SUCCESS', reply.info);

    assert.equal(sha256(join(images(1), 'disk.0')), sha256(image));
    assert.equal(imageFormat(join(images(1), 'disk.0')).format, 'qcow2');
    const swap = readFileSync(join(images(1), 'disk.1'));
    assert.equal(swap.length, 16 * 2 ** 20);
    assert.equal(swap.subarray(4096 - 10, 4096).toString(), 'SWAPSPACE2');
    assert.deepEqual(imageFormat(join(images(1), 'disk.2')), { ...imageFormat(join(images(1), 'disk.2')), format: 'qcow2', 'virtual-size': 8 * 2 ** 20 });
    assert.equal(readFileSync(join(images(1), 'disk.3')).readUInt16LE(1080), 0xef53, 'ext4 superblock magic');

    const iso = join(images(1), 'disk.4');
    assert.deepEqual(isoNames(iso), ['context.sh', CONTEXT_NAME].sort());
    const sh = isoFile(iso, 'context.sh');
    assert.match(sh, /^HOSTNAME='web-1'$/m);
    assert.equal(isoFile(iso, CONTEXT_NAME), 'extra file\n');
    assert.match(sh, /^EVIL='\$\(touch MARK\) `touch MARK` it'\\''s "x"; echo'$/m);
    assert.deepEqual([...findNamed(tmp.dir, 'MARK'), ...findNamed(ssh.dir, 'MARK')], [], 'no attack string ran');
  });

  it('EPILOG_STOP moves the VM folder to the front-end and PROLOG_RESUME brings it back', async () => {
    const before = sha256(join(images(1), 'disk.0'));
    const stop = await tm.transfer(varDir, 1, script({ action: 'EPILOG_STOP', vid: 1 }));
    assert.equal(stop.result, 'SUCCESS', stop.info);
    assert.equal(existsSync(images(1)), false);
    assert.equal(sha256(join(varDir, '1', 'images', 'disk.0')), before);
    // The swap file stays sparse through the tar stream.
    assert.ok(statSync(join(varDir, '1', 'images', 'disk.1')).blocks * 512 < 2 ** 20);

    // Sent again, as after an oned restart: the folder is already where it should be.
    const again = await tm.transfer(varDir, 1, script({ action: 'EPILOG_STOP', vid: 1 }));
    assert.equal(again.result, 'SUCCESS', again.info);
    assert.ok(tm.logs.some((l) => l.vid === 1 && /is gone and .* exists: moved already/.test(l.text)));

    const resume = await tm.transfer(varDir, 1, script({ action: 'PROLOG_RESUME', vid: 1 }));
    assert.equal(resume.result, 'SUCCESS', resume.info);
    assert.equal(existsSync(join(varDir, '1', 'images')), false);
    assert.equal(sha256(join(images(1), 'disk.0')), before);
    assert.equal(readFileSync(join(images(1), 'disk.1')).subarray(4086, 4096).toString(), 'SWAPSPACE2');
  });

  it('MV between two hosts relays the folder through the front-end', async () => {
    // Both hosts are this machine, so the folders differ by vid to keep the move real.
    const other = ssh.hosts[1].address;
    const before = sha256(join(images(1), 'disk.0'));
    // A leftover folder of the same name is filled, not nested into.
    mkdirSync(images(2), { recursive: true });
    writeFileSync(join(images(2), 'disk.0'), 'stale');
    const reply = await tm.transfer(varDir, 1, `MV ${host}:'${images(1)}' ${other}:'${images(2)}'\n`);
    assert.equal(reply.result, 'SUCCESS', reply.info);
    assert.equal(existsSync(images(1)), false);
    assert.equal(sha256(join(images(2), 'disk.0')), before);
    assert.equal(existsSync(join(images(2), 'images')), false);
    const back = await tm.transfer(varDir, 1, `MV ${other}:'${images(2)}' ${host}:'${images(1)}'\n`);
    assert.equal(back.result, 'SUCCESS', back.info);
  });

  it('EPILOG brings SAVE=yes disks back to the front-end, then DELETE cleans the host', async () => {
    const before = sha256(join(images(1), 'disk.0'));
    const reply = await tm.transfer(varDir, 1, script({ action: 'EPILOG', vid: 1, disks }));
    assert.equal(reply.result, 'SUCCESS', reply.info);
    assert.equal(sha256(join(varDir, '1', 'disk.0')), before);
    assert.equal(existsSync(images(1)), false);
  });

  it('DELETE refuses paths outside VM_DIR', async () => {
    const outside = join(tmp.dir, 'keep');
    mkdirSync(outside);
    for (const target of [outside, `${vmDir}/../keep`, vmDir, '/']) {
      const reply = await tm.transfer(varDir, 3, `DELETE ${host}:'${target}'\n`);
      assert.equal(reply.result, 'FAILURE');
      assert.match(reply.info, /refusing to remove .* not inside /, target);
    }
    assert.ok(existsSync(outside));
  });

  it('stops at the first failing line and answers with its text and stderr', async () => {
    const missing = join(tmp.dir, 'no such image.qcow2');
    const first = `CLONE ${quoteWord(`${frontend}:${missing}`)} ${quoteWord(`${host}:${images(4)}/disk.0`)}`;
    const text = `${first}\nMKSWAP 8 ${quoteWord(`${host}:${images(4)}/disk.1`)}\n`;
    const reply = await tm.transfer(varDir, 4, text);
    assert.equal(reply.result, 'FAILURE');
    assert.equal(reply.info.split(': cat -- ')[0], first);
    assert.match(reply.info, /: cat -- '[^']*no such image\.qcow2' \(on front-end\): cat: .*No such file or directory$/);
    assert.equal(existsSync(join(images(4), 'disk.1')), false, 'the line after the failure did not run');
  });

  it('refuses option-like host names and lines with control characters', async () => {
    const evil = await tm.transfer(varDir, 5, `MKSWAP 8 '-oProxyCommand=touch MARK':/x/disk.0\n`);
    assert.equal(evil.result, 'FAILURE');
    assert.match(evil.info, /invalid host name/);
    const broken = await tm.transfer(varDir, 5, `MKSWAP 8 '${host}:/x\rDELETE ${host}:/'\n`);
    assert.equal(broken.result, 'FAILURE');
    assert.match(broken.info, /Bad transfer script .*control character/);
    assert.deepEqual(findNamed(tmp.dir, 'MARK'), []);
  });

  it('CLONE downloads an http source on the front-end and streams it to the host; a 404 fails', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/img.qcow2') createReadStream(image).pipe(res);
      else res.writeHead(404).end('not here');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const dst = quoteWord(`${host}:${images(6)}/disk.0`);
      const ok = await tm.transfer(varDir, 6, `CLONE http://127.0.0.1:${port}/img.qcow2 ${dst}\n`);
      assert.equal(ok.result, 'SUCCESS', ok.info);
      assert.equal(sha256(join(images(6), 'disk.0')), sha256(image));
      const missing = await tm.transfer(varDir, 6, `CLONE http://127.0.0.1:${port}/nope ${dst}\n`);
      assert.equal(missing.result, 'FAILURE');
      assert.match(missing.info, /: GET http:\/\/127\.0\.0\.1:\d+\/nope: HTTP 404$/);
    } finally {
      server.close();
    }
  });

  it('CLONE keeps a raw image sparse, trailing hole included', async () => {
    const raw = join(tmp.dir, 'sparse.raw');
    writeFileSync(raw, 'boot sector');
    truncateSync(raw, 8 * 2 ** 20);
    const reply = await tm.transfer(varDir, 7, `CLONE ${quoteWord(raw)} ${quoteWord(`${host}:${images(7)}/disk.0`)}\n`);
    assert.equal(reply.result, 'SUCCESS', reply.info);
    const copy = join(images(7), 'disk.0');
    assert.equal(statSync(copy).size, 8 * 2 ** 20);
    assert.equal(sha256(copy), sha256(raw));
    assert.ok(statSync(copy).blocks * 512 <= 2 ** 20, `${statSync(copy).blocks} blocks allocated`);
  });

  it('DRIVER_CANCEL stops a transfer: no ssh or dd of it is left running', async () => {
    // A source that sends a little and then never ends.
    const server = createServer((_req, res) => res.write(Buffer.alloc(65536, 1)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dst = `${images(8)}/disk.0`;
    const running = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(dst));
    try {
      const { port } = server.address() as AddressInfo;
      const reply = tm.transfer(varDir, 8, `CLONE http://127.0.0.1:${port}/slow ${quoteWord(`${host}:${dst}`)}\n`);
      await waitUntil(() => existsSync(dst), 10_000, 'the copy to start');
      assert.ok(running().length > 0, 'ssh and dd run while the copy goes on');
      tm.cancel(8);
      assert.equal((await reply).result, 'FAILURE');
      await waitUntil(() => running().length === 0, 10_000, 'the copy processes to exit');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
