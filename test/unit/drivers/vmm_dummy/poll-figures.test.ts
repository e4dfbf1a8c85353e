import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadDummyVm, pollFigures, sizeFromDeployment } from '../../../../src/drivers/vmm_dummy/poll-figures.ts';
import { single, vector } from '../../../../src/template/template.ts';

const figures = (line: string) => Object.fromEntries(line.split(' ').map((kv) => kv.split('=')));
// The deployment file exactly as oned writes it for the dummy driver: JSON.stringify(template).
const deployment = (...attributes: unknown[]) => JSON.stringify({ attributes });

describe('dummy VMM POLL figures', () => {
  it('memory is 60–90 % of MEMORY in KB and CPU stays below VCPU×100, on every poll', () => {
    for (let vid = 0; vid < 50; vid++) {
      for (let t = 0; t < 40; t++) {
        const now = 1_700_000_000_000 + t * 1000;
        const f = figures(pollFigures(vid, { memoryMb: 64, vcpu: 2, startedMs: now - 10_000 }, now));
        assert.ok(Number(f.USEDMEMORY) >= 0.6 * 64 * 1024 && Number(f.USEDMEMORY) <= 0.9 * 64 * 1024, f.USEDMEMORY);
        assert.ok(Number(f.USEDCPU) > 0 && Number(f.USEDCPU) < 200, f.USEDCPU);
        assert.equal(f.STATE, 'a');
      }
    }
  });

  it('network counters start at zero on deploy and grow slowly', () => {
    const start = 1_700_000_000_000;
    const vm = { memoryMb: 64, vcpu: 1, startedMs: start };
    assert.deepEqual([figures(pollFigures(3, vm, start)).NETTX, figures(pollFigures(3, vm, start)).NETRX], ['0', '0']);
    const hour = figures(pollFigures(3, vm, start + 3_600_000));
    assert.ok(Number(hour.NETTX) > 0 && Number(hour.NETTX) < 100 * 1024 * 1024, hour.NETTX);
    assert.ok(Number(hour.NETRX) > Number(hour.NETTX));
  });

  it('reads MEMORY and VCPU (or CPU rounded up) from the JSON template', () => {
    const nic = vector('NIC', [['NETWORK', 'private']]);
    assert.deepEqual(sizeFromDeployment(deployment(single('MEMORY', '512'), single('VCPU', '4'), nic)), { memoryMb: 512, vcpu: 4 });
    assert.deepEqual(sizeFromDeployment(deployment(single('MEMORY', '128'), single('CPU', '0.5'))), { memoryMb: 128, vcpu: 1 });
    assert.deepEqual(sizeFromDeployment(deployment(single('MEMORY', '-3'), single('CPU', '2.2'))), { memoryMb: 64, vcpu: 3 });
    assert.deepEqual(sizeFromDeployment('not json'), { memoryMb: 64, vcpu: 1 });
  });

  const dir = mkdtempSync(join(tmpdir(), 'vmm-dummy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the last deployment file of the VM, and its time as the start', async () => {
    mkdirSync(join(dir, '7'));
    writeFileSync(join(dir, '7', 'deployment.3'), deployment(single('MEMORY', '64')));
    writeFileSync(join(dir, '7', 'deployment.12'), deployment(single('MEMORY', '2048'), single('VCPU', '2')));
    writeFileSync(join(dir, '7', 'transfer.12.prolog'), 'x');
    utimesSync(join(dir, '7', 'deployment.12'), 1_700_000_000, 1_700_000_000);
    const vm = await loadDummyVm(dir, 7, 1_700_000_100_000);
    assert.deepEqual(vm, { memoryMb: 2048, vcpu: 2, startedMs: 1_700_000_000_000 });
    const missing = await loadDummyVm(dir, 8, 5);
    assert.deepEqual(missing, { memoryMb: 64, vcpu: 1, startedMs: 5 });
  });
});
