import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { DeploymentResult } from '../../../../src/core/deployment/deployment-input.ts';
import { kvmDomainXml } from '../../../../src/core/deployment/kvm-domain-xml.ts';
import { xenConfig } from '../../../../src/core/deployment/xen-config.ts';
import { single, template, vector, type Template, type TemplateAttribute } from '../../../../src/template/template.ts';
import { readXenConfigs, readXmlDocuments } from '../../../helpers/python-file-checks.ts';
import { fcRunParams } from '../../../model/support/fc-run-params.ts';
import { ATTACKS } from './deployment-fixtures.ts';

/**
 * Random templates, most values plausible and some hostile, through both
 * generators: neither may throw, and every file written must be read by an
 * outside parser (expat for kvm; Python's ast, every right-hand side a
 * literal, for xen) with the OS KERNEL the template gave. Python runs once
 * per format for the whole batch; a failure names the template (as JSON)
 * and fast-check's seed for FC_SEED.
 */

const hostile = fc.oneof(fc.constantFrom(...ATTACKS, '0', '512MB', '1e308', 'spice', 'a,b', "p'w"), fc.string({ unit: 'binary', maxLength: 10 }));
/** A value: usually a good one, sometimes anything (each template has about 20 values, and one bad value refuses it). */
const value = (...good: string[]) => fc.oneof({ weight: 40, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: hostile });

const pairs = (subs: Record<string, fc.Arbitrary<string>>) =>
  fc.record(subs, { requiredKeys: [] }).map((r) => Object.entries(r) as [string, string][]);

const rawData = value("<clock offset='utc'/>", '<on_crash>destroy</on_crash>', "on_crash = 'destroy'", 'shadow_memory = 8');

const attributes: fc.Arbitrary<TemplateAttribute[]> = fc
  .record(
    {
      memory: value('64', '1024'),
      vcpu: value('1', '4'),
      cpu: value('0.5', '2'),
      os: pairs({
        KERNEL: value('/boot/vmlinuz', '/boot/a b', '/boot/"x" $(id)'),
        INITRD: value('/boot/initrd.img'),
        ROOT: value('sda1', 'xvda1', 'mapper/vg-root'),
        KERNEL_CMD: value('ro console=ttyS0', 'quiet "a" $(id)'),
        BOOTLOADER: value('/usr/bin/pygrub'),
        BOOT: value('hd', 'cdrom,hd', 'network'),
        ARCH: value('x86_64', 'i686'),
      }),
      features: pairs({ ACPI: value('yes', 'no'), PAE: value('yes', 'no') }),
      disks: fc.array(
        pairs({ TARGET: value('hda', 'sdb', 'vda', 'xvdc') }).chain((t) => pairs({ TYPE: value('disk', 'cdrom', 'swap', 'fs', 'block'), READONLY: value('yes', 'no'), BUS: value('ide', 'virtio'), DRIVER: value('raw', 'qcow2', 'file') }).map((rest) => [...t, ...rest])),
        { maxLength: 3 },
      ),
      context: pairs({ TARGET: value('hdd', 'vdb'), HOSTNAME: value('vm') }),
      nics: fc.array(
        pairs({ BRIDGE: value('br0', 'virbr0'), MAC: value('02:00:c0:a8:00:01'), TARGET: value('one-1-0'), SCRIPT: value('/etc/one/up'), MODEL: value('virtio', 'e1000') }),
        { maxLength: 2 },
      ),
      graphics: pairs({ TYPE: value('vnc', 'sdl'), LISTEN: value('0.0.0.0', '::1', 'node1'), PORT: value('5900', '5905'), PASSWD: value('pw', 'p"w $(x)'), KEYMAP: value('en-us', 'de') }),
      input: pairs({ TYPE: value('tablet', 'mouse'), BUS: value('usb', 'ps2') }),
      raws: fc.array(fc.tuple(fc.constantFrom('kvm', 'xen', 'KVM'), rawData), { maxLength: 1 }),
    },
    { requiredKeys: ['memory', 'disks', 'nics', 'raws'] },
  )
  .map((r) => [
    ...(r.memory !== undefined ? [single('MEMORY', r.memory)] : []),
    ...(r.vcpu !== undefined ? [single('VCPU', r.vcpu)] : []),
    ...(r.cpu !== undefined ? [single('CPU', r.cpu)] : []),
    ...(r.os ? [vector('OS', r.os)] : []),
    ...(r.features ? [vector('FEATURES', r.features)] : []),
    ...r.disks.map((d) => vector('DISK', d)),
    ...(r.context ? [vector('CONTEXT', r.context)] : []),
    ...r.nics.map((n) => vector('NIC', n)),
    ...(r.graphics ? [vector('GRAPHICS', r.graphics)] : []),
    ...(r.input ? [vector('INPUT', r.input)] : []),
    ...r.raws.map(([type, data]) => vector('RAW', [['TYPE', type], ['DATA', data]])),
  ]);

/** A boot device (kvm) and a bootloader (xen) when the template has none, so that most templates can be written. */
const defaults = template([vector('OS', [['BOOT', 'hd'], ['BOOTLOADER', '/usr/bin/pygrub']]), single('CREDIT', '256')]);

interface Written {
  readonly template: Template;
  readonly text: string;
}

function collect(result: DeploymentResult, t: Template, into: Written[]): void {
  if (result.ok) into.push({ template: t, text: result.value.text });
  else assert.match(result.error.message, /\S/);
}

const kernelOf = (t: Template): string | undefined => {
  const os = t.attributes.find((a) => a.name === 'OS');
  return os && 'pairs' in os ? os.pairs.find(([k]) => k === 'KERNEL')?.[1] || undefined : undefined;
};

describe('deployment files for random templates', () => {
  it('property: kvm output is always well-formed XML and xen output always literal assignments, with the values given', () => {
    const kvm: Written[] = [];
    const xen: Written[] = [];
    fc.assert(
      fc.property(attributes, fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), fc.constantFrom('kvm', 'qemu') as fc.Arbitrary<'kvm' | 'qemu'>, (attrs, rawAllowed, domainType) => {
        const t = template(attrs);
        const input = { vid: 42, template: t, vmDir: '/var/lib/one', defaults, rawAllowed };
        collect(kvmDomainXml(input, { domainType }), t, kvm);
        collect(xenConfig(input), t, xen);
      }),
      fcRunParams(400),
    );
    assert.ok(kvm.length >= 40 && xen.length >= 40, `too few files written to say much: kvm ${kvm.length}, xen ${xen.length}`);

    readXmlDocuments(kvm.map((w) => w.text)).forEach((parsed, i) => {
      const context = `template ${JSON.stringify(kvm[i].template)}\n${kvm[i].text}`;
      if (!parsed.ok) assert.fail(`not well-formed XML (${parsed.error}) for ${context}`);
      const kernel = parsed.value.find((e) => e.path === 'domain/os/kernel')?.text;
      assert.equal(kernel, kernelOf(kvm[i].template), context);
    });
    readXenConfigs(xen.map((w) => w.text)).forEach((parsed, i) => {
      const context = `template ${JSON.stringify(xen[i].template)}\n${xen[i].text}`;
      if (!parsed.ok) assert.fail(`not literal assignments (${parsed.error}) for ${context}`);
      const kernel = parsed.value.find(([name]) => name === 'kernel')?.[1];
      assert.equal(kernel, kernelOf(xen[i].template), context);
      assert.deepEqual(parsed.value[0], ['name', 'one-42']);
    });
  });
});
