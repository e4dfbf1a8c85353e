import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DriverManager } from '../../../src/drivers/driver-manager.ts';
import type { DriverLog } from '../../../src/drivers/driver-reply.ts';
import { binDir, driverEnv, isAlive, MemoryLogger, scratch } from './support.ts';

/** one_tm_dummy reads each transfer script with the TM-side parser (transfer-script-line.ts). */
const tmp = scratch();
let manager: DriverManager;
const logs: DriverLog[] = [];

before(async () => {
  manager = new DriverManager({ binDir, logger: new MemoryLogger(), env: driverEnv(), mads: [{ name: 'tm_dummy', kind: 'tm', executable: 'one_tm_dummy' }] });
  manager.logs$.subscribe((l) => logs.push(l));
  assert.deepEqual((await manager.start()).failed, []);
});

after(async () => {
  const pid = manager.pids().tm_dummy;
  await manager.stop();
  assert.equal(isAlive(pid), false);
  tmp.remove();
});

const transfer = async (vid: number, text: string) => {
  const path = join(tmp.dir, `transfer.${vid}.prolog`);
  writeFileSync(path, text);
  const reply = await manager.request('tm_dummy', 'TRANSFER', vid, [path]);
  return { result: reply.result, info: reply.info.replace(path, 'SCRIPT') };
};

describe('one_tm_dummy', () => {
  it('parses quoted arguments back whole', async () => {
    const reply = await transfer(1, `CLONE 'front:/img/a b;c.img' node1:/srv/1/images/disk.0 10\nMKSWAP 512 node1:/srv/1/images/disk.1\n`);
    assert.deepEqual(reply, { result: 'SUCCESS', info: '' });
    assert.match(logs.find((l) => l.vid === 1)?.text ?? '', /done: CLONE\/3 MKSWAP\/2$/);
  });

  it('fails a script with an injected line, an unknown command or a broken quote', async () => {
    // What 1.4 would have written for SIZE="1 node1:/etc/passwd\nDELETE node1:/": the first line already has too many arguments.
    assert.deepEqual(await transfer(2, 'MKSWAP 1 node1:/etc/passwd node1:/srv/2/images/disk.0\nDELETE node1:/\n'), {
      result: 'FAILURE', info: 'Bad transfer script SCRIPT: line 1: MKSWAP takes 2 arguments, got 3',
    });
    assert.deepEqual(await transfer(3, 'CLONE a b\nrm -rf /\n'), { result: 'FAILURE', info: 'Bad transfer script SCRIPT: line 2: RM not found' });
    assert.deepEqual(await transfer(4, `CLONE 'a b\n`), { result: 'FAILURE', info: 'Bad transfer script SCRIPT: line 1: unterminated single quote' });
  });

  it('fails when the script cannot be read', async () => {
    const reply = await manager.request('tm_dummy', 'TRANSFER', 5, [join(tmp.dir, 'missing.prolog')]);
    assert.equal(reply.result, 'FAILURE');
    assert.match(reply.info, /^Cannot read transfer script .*missing\.prolog: ENOENT/);
  });
});
