import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { transferInputProblem } from '../../../src/core/transfer-inputs.ts';
import { transferScript } from '../../../src/core/transfer-script.ts';
import { parseTransferScript } from '../../../src/core/transfer-script-line.ts';
import { single, template, vector } from '../../../src/template/template.ts';
import { intendedProlog, transferRefusal } from '../../helpers/transfer-oracle.ts';

const disk = (...pairs: [string, string][]) => template([single('NAME', 'vm'), vector('DISK', [['TARGET', 'hda'], ...pairs])]);
const prolog = (disks: Record<string, string>[]) =>
  transferScript({ action: 'PROLOG', vid: 7, hostname: 'node1', vmDir: '/srv/one', varDir: '/var/lib/one', frontend: 'front', disks });

describe('transfer inputs checked at one.vm.allocate', () => {
  it('refuses the issue reproductions, naming the attribute', () => {
    assert.equal(transferInputProblem(disk(['SOURCE', '/img/a.img\nDELETE node1:/etc'])), 'Error in DISK 0: SOURCE contains a control character');
    assert.equal(transferInputProblem(disk(['SOURCE', '/img/a.img'], ['SIZE', '1 node1:/etc/passwd\nDELETE node1:/'])), 'Error in DISK 0: SIZE contains a control character');
    assert.equal(transferInputProblem(disk(['SOURCE', '/img/a.img'], ['SIZE', '1 node1:/etc/passwd'])), 'Error in DISK 0: SIZE must be a positive integer');
  });

  it('checks SIZE, SOURCE and FORMAT', () => {
    for (const size of ['0', '-1', '1.5', '1e3', ' 1', 'ten', '4294967297']) {
      assert.match(transferInputProblem(disk(['TYPE', 'swap'], ['SIZE', size])) ?? '', /^Error in DISK 0: SIZE must be/, size);
    }
    assert.equal(transferInputProblem(disk(['TYPE', 'swap'], ['SIZE', '4294967296'])), undefined);
    for (const source of ['img/a.img', '-rf', ':x', '../etc/passwd', ' /a']) {
      assert.equal(transferInputProblem(disk(['SOURCE', source])), 'Error in DISK 0: SOURCE must be an absolute path or a URL', source);
    }
    for (const source of ['/img/a b;c.img', 'http://x/b.img', 'node1:/img/$(id)', 'lvm:vg/lv']) assert.equal(transferInputProblem(disk(['SOURCE', source])), undefined, source);
    assert.equal(transferInputProblem(disk(['TYPE', 'fs'], ['SIZE', '1'], ['FORMAT', '-t ext3'])), 'Error in DISK 0: FORMAT must be a file system type such as ext3');
    assert.equal(transferInputProblem(disk(['TYPE', 'fs'], ['SIZE', '1'], ['FORMAT', 'ext3'])), undefined);
  });

  it('refuses control characters in NIC and CONTEXT values, and names the second disk', () => {
    const t = (...attrs: Parameters<typeof template>[0]) => transferInputProblem(template(attrs));
    assert.equal(t(vector('NIC', [['NETWORK', 'lan'], ['MODEL', 'e1000\0']])), 'Error in NIC 0: MODEL contains a control character');
    assert.equal(t(vector('CONTEXT', [['FILES', '/a\t/b']])), 'Error in CONTEXT: FILES contains a control character');
    assert.equal(t(vector('DISK', [['SOURCE', '/a']]), vector('DISK', [['SOURCE', '/b\x7f']])), 'Error in DISK 1: SOURCE contains a control character');
    assert.equal(t(single('DESCRIPTION', 'two\nlines'), vector('CONTEXT', [['HOSTNAME', 'a b;c']])), undefined, 'other attributes and blanks are fine');
  });

  it('writes a SOURCE with spaces or ; as one quoted argument (issue reproduction)', () => {
    const out = prolog([{ SOURCE: '/img/a b.img; rm -rf x', SIZE: '10' }, { SOURCE: 'http://x/a b;DELETE node1:/', CLONE: 'no' }]);
    assert.ok(out.ok);
    assert.equal(out.text, [
      `CLONE 'front:/img/a b.img; rm -rf x' node1:/srv/one/7/images/disk.0 10`,
      `LN 'http://x/a b;DELETE node1:/' node1:/srv/one/7/images/disk.1`,
      '',
    ].join('\n'));
    assert.deepEqual(parseTransferScript(out.text), {
      ok: true,
      lines: [
        { command: 'CLONE', args: ['front:/img/a b.img; rm -rf x', 'node1:/srv/one/7/images/disk.0', '10'] },
        { command: 'LN', args: ['http://x/a b;DELETE node1:/', 'node1:/srv/one/7/images/disk.1'] },
      ],
    });
  });

  it('never writes a line break a value brought in (VMs allocated before these rules)', () => {
    assert.deepEqual(prolog([{ SOURCE: '/img/a.img\nDELETE node1:/etc' }]), { ok: false, message: 'Cannot write the PROLOG transfer script: CLONE argument 1 contains a control character' });
    assert.deepEqual(prolog([{ TYPE: 'swap', SIZE: '1 node1:/etc/passwd\nDELETE node1:/' }]), { ok: false, message: 'Cannot write the PROLOG transfer script: MKSWAP argument 1 contains a control character' });
  });

  // fast-check prints the seed and path of a failure; rerun with fc.assert(…, { seed, path }).
  it('property: any DISK values, every control character included, are refused or written as exactly the intended lines', () => {
    const unit = fc.constantFrom(' ', ';', "'", '"', '\\', '$(id)', '`id`', '\n', '\r', '\t', '\0', '\x1b', '\x7f', '/', ':', '-', 'a', '1', 'é');
    const value = fc.oneof(fc.string({ unit, maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.integer({ min: 1 }).map(String));
    const opt = (a: fc.Arbitrary<string>) => fc.option(a, { nil: undefined });
    const diskArb = fc.record({
      TYPE: opt(fc.constantFrom('swap', 'fs', 'block')),
      SOURCE: fc.oneof(value.map((v) => `/${v}`), value).filter((v) => v !== ''),
      SIZE: opt(value),
      FORMAT: opt(fc.oneof(value, fc.constant('ext3'))),
      CLONE: opt(fc.constantFrom('no', 'yes')),
    }).map((d) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as Record<string, string>);
    fc.assert(fc.property(fc.array(diskArb, { maxLength: 3 }), value, (disks, nicModel) => {
      const t = template([...disks.map((d) => vector('DISK', Object.entries(d))), vector('NIC', [['MODEL', nicModel]])]);
      const problem = transferInputProblem(t);
      assert.equal(problem === undefined, transferRefusal(disks, [nicModel]) === undefined, problem);
      if (problem) return;
      const out = prolog(disks);
      assert.ok(out.ok, out.ok ? '' : out.message);
      assert.deepEqual(parseTransferScript(out.text), { ok: true, lines: intendedProlog(disks, { vid: 7, host: 'node1', vmDir: '/srv/one', frontend: 'front' }) });
    }), { numRuns: 1000 });
  });
});
