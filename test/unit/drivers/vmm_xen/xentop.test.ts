import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pollLine } from '../../../../src/drivers/vmm/poll-line.ts';
import { xenConfigFacts } from '../../../../src/drivers/vmm_xen/xen-config-facts.ts';
import { xenSettings } from '../../../../src/drivers/vmm_xen/xen-settings.ts';
import { stateLetter, xentopFigures } from '../../../../src/drivers/vmm_xen/xentop.ts';

// Two samples as `xentop -b -i 2` prints them (Xen 4.x); the first sample's CPU % is always 0.
const HEADER = '      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID';
const sample = (cpu: string, tx: number) => [
  HEADER,
  '  Domain-0 -----r       2417    0.0    4194304   50.0   no limit       n.a.     4    0        0        0    0        0        0        0          0          0    0',
  `     one-7 --b---         31 ${cpu}     262144    3.1     262144       3.1     1    1 ${String(tx).padStart(8)}      812    1        0     2345      678      51234      13568    0`,
  '  one-17 -----r         3   50.0     131072    1.6     131072       1.6     1    1        1        1    1        0        0        0          0          0    0',
].join('\n');
const output = `${sample('   0.0', 100)}\n${sample('   3.4', 120)}\n`;

describe('xentopFigures', () => {
  it('reads the last sample: CPU %, memory in KB, network KB as bytes', () => {
    assert.deepEqual(xentopFigures(output, 'one-7'), { state: 'a', usedCpu: 3.4, usedMemory: 262144n, netTx: 120n * 1024n, netRx: 812n * 1024n });
    assert.equal(pollLine(xentopFigures(output, 'one-7')), `USEDMEMORY=262144 USEDCPU=3.4 NETTX=${120 * 1024} NETRX=${812 * 1024} STATE=a`);
  });

  it('matches the whole name (one-1 is not one-17) and a domain being migrated away', () => {
    assert.deepEqual(xentopFigures(output, 'one-1'), { state: 'd' });
    assert.equal(xentopFigures(output, 'one-17').usedCpu, 50);
    assert.equal(xentopFigures(output.replaceAll('     one-7', 'migrating-one-7'), 'one-7').usedMemory, 262144n);
  });

  it('a domain not listed, or output without a header, is STATE=d', () => {
    assert.equal(pollLine(xentopFigures(output, 'one-99')), 'STATE=d');
    assert.equal(pollLine(xentopFigures('xentop: garbage\n', 'one-7')), 'STATE=d');
  });

  it('figures it cannot read are left out, not made up', () => {
    const odd = output.replaceAll('262144    3.1', 'n/a    3.1');
    assert.equal(pollLine(xentopFigures(odd, 'one-7')), `USEDCPU=3.4 NETTX=${120 * 1024} NETRX=${812 * 1024} STATE=a`);
  });

  it('maps the state flags as 1.4 did: r b s d → a, p → p, c → e, none → -', () => {
    assert.deepEqual(['-----r', '--b---', '-s----', 'd-----', '----p-', '---c--', '--b-p-', '------'].map(stateLetter), ['a', 'a', 'a', 'a', 'p', 'e', 'p', '-']);
  });
});

describe('xenConfigFacts', () => {
  it('reads the domain name and the credits oned wrote', () => {
    assert.deepEqual(xenConfigFacts("name = 'one-7'\n#O CPU_CREDITS = 128\nmemory = 128\n"), { name: 'one-7', credits: 128 });
    assert.deepEqual(xenConfigFacts('name = "one-7"\n'), { name: 'one-7', credits: undefined });
  });

  it('refuses a file that is not a Xen config, or a name that could be an option', () => {
    assert.match((xenConfigFacts('{"NAME":"x"}') as { error: string }).error, /not a Xen config/);
    assert.match((xenConfigFacts("name = '-h'\n") as { error: string }).error, /not a plain name/);
    assert.match((xenConfigFacts("name = 'a b'\n") as { error: string }).error, /not a plain name/);
  });
});

describe('xenSettings', () => {
  it('defaults to xl and xentop, and accepts xm or absolute paths to them', () => {
    const d = xenSettings({}, []);
    assert.ok(!('error' in d));
    assert.deepEqual([d.command, d.flavour, d.xentop, d.xentopDelayS], ['xl', 'xl', 'xentop', 1]);
    const xm = xenSettings({ XEN_COMMAND: '/usr/sbin/xm', XENTOP_COMMAND: '/usr/sbin/xentop' }, []);
    assert.ok(!('error' in xm));
    assert.equal(xm.flavour, 'xm');
  });

  it('refuses anything but one plain word, and unknown arguments', () => {
    for (const command of ['virsh', 'xl ', '-xl', 'x;xl', '$(xl)', 'usr/sbin/xl', '/usr/sbin/xl x']) {
      assert.ok('error' in xenSettings({ XEN_COMMAND: command }, []), command);
    }
    assert.ok('error' in xenSettings({ XENTOP_COMMAND: '-h' }, []));
    assert.ok('error' in xenSettings({}, ['-u']));
  });
});
