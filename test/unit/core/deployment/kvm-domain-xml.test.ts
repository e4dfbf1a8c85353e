import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { kvmDomainXml, type KvmOptions } from '../../../../src/core/deployment/kvm-domain-xml.ts';
import type { DeploymentInput } from '../../../../src/core/deployment/deployment-input.ts';
import { single, template, vector, type Template } from '../../../../src/template/template.ts';
import { readXmlDocuments, type XmlElement } from '../../../helpers/python-file-checks.ts';
import { ATTACKS, FULL, withSingle, withSub, withVector } from './deployment-fixtures.ts';

const kvm = (t: Template, extra: Partial<DeploymentInput> = {}, options: KvmOptions = {}) =>
  kvmDomainXml({ vid: 7, template: t, vmDir: '/srv/one', ...extra }, options);

function text(t: Template, extra: Partial<DeploymentInput> = {}, options: KvmOptions = {}): string {
  const r = kvm(t, extra, options);
  if (!r.ok) assert.fail(r.error.message);
  return r.value.text;
}

/** The document as Python's expat reads it; fails the test when it is not well-formed. */
function read(doc: string): XmlElement[] {
  const [parsed] = readXmlDocuments([doc]);
  if (!parsed.ok) assert.fail(`not well-formed (${parsed.error}):\n${doc}`);
  return parsed.value;
}

const at = (elements: XmlElement[], path: string) => elements.filter((e) => e.path === path);

const scratch = mkdtempSync(join(tmpdir(), 'kvm-xml-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** libvirt's own parser and RNG schema, through its in-process test driver (nothing is started or kept). */
function libvirtValidates(doc: string): void {
  const file = join(scratch, 'domain.xml');
  writeFileSync(file, doc);
  execFileSync('virsh', ['-q', '-c', 'test:///default', 'define', '--validate', file], { stdio: 'pipe' });
}

describe('kvm deployment file: libvirt domain XML', () => {
  it('writes every section of a full template, and libvirt validates it', () => {
    const doc = text(template(FULL), {}, { domainType: 'qemu' });
    const e = read(doc);
    assert.deepEqual(at(e, 'domain')[0].attributes, { type: 'qemu' });
    assert.equal(at(e, 'domain/name')[0].text, 'one-7');
    assert.equal(at(e, 'domain/vcpu')[0].text, '2');
    assert.equal(at(e, 'domain/memory')[0].text, String(128 * 1024));
    assert.deepEqual(at(e, 'domain/os/type')[0], { path: 'domain/os/type', attributes: { arch: 'x86_64' }, text: 'hvm' });
    assert.equal(at(e, 'domain/os/kernel')[0].text, '/boot/vmlinuz');
    assert.equal(at(e, 'domain/os/initrd')[0].text, '/boot/initrd.img');
    assert.equal(at(e, 'domain/os/cmdline')[0].text, 'root=/dev/sda1 ro console=ttyS0');
    assert.deepEqual(at(e, 'domain/os/boot').map((b) => b.attributes.dev), ['hd']);
    assert.deepEqual(at(e, 'domain/devices/disk').map((d) => d.attributes), [
      { type: 'file', device: 'disk' },
      { type: 'file', device: 'disk' },
      { type: 'file', device: 'cdrom' },
      { type: 'file', device: 'cdrom' },
    ]);
    assert.deepEqual(at(e, 'domain/devices/disk/source').map((s) => s.attributes.file), [0, 1, 2, 3].map((i) => `/srv/one/7/images/disk.${i}`));
    assert.deepEqual(at(e, 'domain/devices/disk/target').map((t) => t.attributes), [{ dev: 'sda', bus: 'scsi' }, { dev: 'sdb' }, { dev: 'hdc' }, { dev: 'hdd' }]);
    assert.deepEqual(at(e, 'domain/devices/disk/driver')[0].attributes, { name: 'qemu', type: 'qcow2' });
    assert.equal(at(e, 'domain/devices/disk/readonly').length, 2, 'the READONLY cdrom and the context ISO');
    assert.deepEqual(at(e, 'domain/devices/interface').map((i) => i.attributes.type), ['bridge', 'ethernet']);
    assert.deepEqual(at(e, 'domain/devices/interface/source')[0].attributes, { bridge: 'br0' });
    assert.deepEqual(at(e, 'domain/devices/interface/mac').map((m) => m.attributes.address), ['02:00:c0:a8:00:07', '02:00:c0:a8:00:08']);
    assert.deepEqual(at(e, 'domain/devices/interface/target')[0].attributes, { dev: 'one-7-0' });
    assert.deepEqual(at(e, 'domain/devices/interface/script')[0].attributes, { path: '/etc/one/nic-up' });
    assert.deepEqual(at(e, 'domain/devices/interface/model')[0].attributes, { type: 'virtio' });
    assert.deepEqual(at(e, 'domain/devices/graphics')[0].attributes, { type: 'vnc', listen: '0.0.0.0', port: '5907', passwd: 'secret', keymap: 'en-us' });
    assert.deepEqual(at(e, 'domain/devices/input')[0].attributes, { type: 'tablet', bus: 'usb' });
    assert.deepEqual(e.filter((x) => x.path.startsWith('domain/features/')).map((x) => x.path), ['domain/features/acpi']);
    assert.equal(at(e, 'domain/devices/emulator').length, 0, 'libvirt picks the emulator unless the defaults file names one');
    libvirtValidates(doc);
  });

  it('writes kvm domains by default, a bootloader next to <os>, block disks by dev, several boot devices', () => {
    const t = template([
      single('MEMORY', '64'),
      vector('OS', [['BOOTLOADER', '/usr/bin/pygrub'], ['BOOT', 'cdrom,hd']]),
      vector('DISK', [['TYPE', 'block'], ['TARGET', 'vda'], ['BUS', 'virtio']]),
      vector('GRAPHICS', [['TYPE', 'sdl']]),
    ]);
    const doc = text(t);
    const e = read(doc);
    assert.equal(at(e, 'domain')[0].attributes.type, 'kvm');
    assert.equal(at(e, 'domain/bootloader')[0].text, '/usr/bin/pygrub');
    assert.equal(at(e, 'domain/os/kernel').length, 0);
    assert.deepEqual(at(e, 'domain/os/boot').map((b) => b.attributes.dev), ['cdrom', 'hd']);
    assert.deepEqual(at(e, 'domain/devices/disk')[0].attributes, { type: 'block', device: 'disk' });
    assert.deepEqual(at(e, 'domain/devices/disk/source')[0].attributes, { dev: '/srv/one/7/images/disk.0' });
    assert.deepEqual(at(e, 'domain/devices/graphics')[0].attributes, { type: 'sdl' });
    assert.equal(e.filter((x) => x.path === 'domain/features').length, 0, 'no FEATURES, no defaults: no <features>');
    libvirtValidates(doc);
  });

  it('takes what the template leaves out from the defaults file, the template winning', () => {
    const defaults = template([
      single('MEMORY', '256'),
      single('VCPU', '4'),
      single('EMULATOR', '/usr/bin/qemu-system-x86_64'),
      vector('OS', [['BOOT', 'network'], ['ARCH', 'i686']]),
      vector('FEATURES', [['PAE', 'yes'], ['ACPI', 'yes']]),
      vector('DISK', [['DRIVER', 'raw']]),
    ]);
    const bare = template([vector('DISK', [['TARGET', 'hda']]), single('EMULATOR', '/tmp/evil')]);
    const e = read(text(bare, { defaults }));
    assert.equal(at(e, 'domain/memory')[0].text, String(256 * 1024));
    assert.equal(at(e, 'domain/vcpu')[0].text, '4');
    assert.equal(at(e, 'domain/devices/emulator')[0].text, '/usr/bin/qemu-system-x86_64', 'EMULATOR only from the defaults file');
    assert.deepEqual(at(e, 'domain/os/type')[0].attributes, { arch: 'i686' });
    assert.deepEqual(at(e, 'domain/os/boot')[0].attributes, { dev: 'network' });
    assert.deepEqual(e.filter((x) => x.path.startsWith('domain/features/')).map((x) => x.path), ['domain/features/pae', 'domain/features/acpi']);
    assert.deepEqual(at(e, 'domain/devices/disk/driver')[0].attributes, { name: 'qemu', type: 'raw' });
    const own = read(text(template(FULL), { defaults }));
    assert.equal(at(own, 'domain/memory')[0].text, String(128 * 1024));
    assert.deepEqual(at(own, 'domain/os/boot')[0].attributes, { dev: 'hd' });
    assert.deepEqual(own.filter((x) => x.path.startsWith('domain/features/')).map((x) => x.path), ['domain/features/acpi'], "the template's PAE=no wins");
  });

  it("returns 1.4's errors as data: no MEMORY, no BOOT, a DISK without TARGET", () => {
    assert.deepEqual(kvm(withSingle('MEMORY')), { ok: false, error: { code: 'no_memory', message: 'No MEMORY defined and no default provided.' } });
    assert.deepEqual(kvm(withSub('OS', 'BOOT', '')), { ok: false, error: { code: 'no_boot', message: 'No BOOT device defined and no default provided.' } });
    assert.equal(kvm(withSub('OS', 'BOOT', ''), { defaults: template([vector('OS', [['BOOT', 'hd']])]) }).ok, true);
    const noTarget = withVector('DISK', vector('DISK', [['SOURCE', '/img/a']]));
    assert.deepEqual(kvm(noTarget), { ok: false, error: { code: 'disk_target', message: 'Wrong target value in DISK.' } });
    assert.deepEqual(kvm(withSingle('MEMORY', '12x')), {
      ok: false,
      error: { code: 'bad_value', message: 'Error in MEMORY: MEMORY must be a whole number of MB from 1 to 4294967296' },
    });
    assert.match((kvm(template(FULL), {}, { domainType: 'xen' as never }) as { error: { message: string } }).error.message, /DOMAIN_TYPE/);
    assert.match((kvm(template(FULL), { vmDir: "/srv/one'" }) as { error: { message: string } }).error.message, /^Error in VM_DIR/);
  });

  it('warns, as 1.4 did, about a CONTEXT without TARGET and an unknown GRAPHICS type', () => {
    const r = kvm(withVector('CONTEXT', vector('CONTEXT', [['HOSTNAME', 'x']])));
    assert.ok(r.ok);
    assert.deepEqual(r.value.warnings, ['Could not find target device to attach context, will continue without it.']);
    assert.equal(at(read(r.value.text), 'domain/devices/disk').length, 3);
    const g = kvm(withVector('GRAPHICS', vector('GRAPHICS', [['TYPE', 'spice']])));
    assert.ok(g.ok);
    assert.deepEqual(g.value.warnings, ['Not supported graphics type, ignored.']);
    assert.equal(at(read(g.value.text), 'domain/devices/graphics').length, 0);
  });

  it('passes RAW TYPE=kvm through only when allowed and well-formed, and ignores RAW for xen', () => {
    const raw = (data: string, type = 'kvm') => withVector('RAW', vector('RAW', [['TYPE', type], ['DATA', data]]));
    const clock = "<clock offset='localtime'/>";
    assert.deepEqual(kvm(raw(clock)), { ok: false, error: { code: 'raw_refused', message: 'RAW is only allowed in VMs owned by oneadmin' } });
    const doc = text(raw(clock), { rawAllowed: true });
    assert.deepEqual(at(read(doc), 'domain/clock')[0].attributes, { offset: 'localtime' });
    libvirtValidates(doc);
    const escaped = kvm(raw('</domain><domain>'), { rawAllowed: true });
    assert.equal(escaped.ok ? 'written' : escaped.error.code, 'bad_raw');
    assert.equal(text(raw('anything = 1', 'xen')).includes('anything'), false);
  });

  it('writes every attack string in a free-text value verbatim as data, or refuses it; never a broken document', () => {
    const slots: [string, string, (t: string) => Template, (e: XmlElement[]) => string | undefined][] = [
      ['OS', 'KERNEL', (v) => withSub('OS', 'KERNEL', v), (e) => at(e, 'domain/os/kernel')[0]?.text],
      ['OS', 'INITRD', (v) => withSub('OS', 'INITRD', v), (e) => at(e, 'domain/os/initrd')[0]?.text],
      ['OS', 'KERNEL_CMD', (v) => withSub('OS', 'KERNEL_CMD', v), (e) => at(e, 'domain/os/cmdline')[0]?.text.replace('root=/dev/sda1 ', '')],
      ['NIC 0', 'SCRIPT', (v) => withSub('NIC', 'SCRIPT', v), (e) => at(e, 'domain/devices/interface/script')[0]?.attributes.path],
      ['GRAPHICS', 'PASSWD', (v) => withSub('GRAPHICS', 'PASSWD', v), (e) => at(e, 'domain/devices/graphics')[0]?.attributes.passwd],
    ];
    const docs: { doc: string; value: string; pick: (e: XmlElement[]) => string | undefined }[] = [];
    for (const [where, name, build, pick] of slots) {
      for (const value of ATTACKS.filter((a) => a !== '')) {
        const r = kvm(build(value));
        if (/[\0-\x1f]/.test(value)) assert.deepEqual(r, { ok: false, error: { code: 'bad_value', message: `Error in ${where}: ${name} must not contain control characters` } });
        else if (!r.ok) assert.fail(`${name}=${JSON.stringify(value)} refused: ${r.error.message}`);
        else docs.push({ doc: r.value.text, value, pick });
      }
    }
    readXmlDocuments(docs.map((d) => d.doc)).forEach((parsed, i) => {
      if (!parsed.ok) assert.fail(`${parsed.error}\n${docs[i].doc}`);
      assert.equal(docs[i].pick(parsed.value), docs[i].value);
    });
  });

  it('refuses every attack string in a value with a strict pattern, naming it', () => {
    const slots: [string, string, (v: string) => Template][] = [
      ['NIC 0', 'MAC', (v) => withSub('NIC', 'MAC', v)],
      ['NIC 0', 'BRIDGE', (v) => withSub('NIC', 'BRIDGE', v)],
      ['NIC 0', 'TARGET', (v) => withSub('NIC', 'TARGET', v)],
      ['NIC 0', 'MODEL', (v) => withSub('NIC', 'MODEL', v)],
      ['DISK 0', 'TARGET', (v) => withSub('DISK', 'TARGET', v)],
      ['DISK 0', 'BUS', (v) => withSub('DISK', 'BUS', v)],
      ['DISK 0', 'DRIVER', (v) => withSub('DISK', 'DRIVER', v)],
      ['CONTEXT', 'TARGET', (v) => withSub('CONTEXT', 'TARGET', v)],
      ['OS', 'ROOT', (v) => withSub('OS', 'ROOT', v)],
      ['OS', 'ARCH', (v) => withSub('OS', 'ARCH', v)],
      ['OS', 'BOOT', (v) => withSub('OS', 'BOOT', v)],
      ['GRAPHICS', 'LISTEN', (v) => withSub('GRAPHICS', 'LISTEN', v)],
      ['GRAPHICS', 'PORT', (v) => withSub('GRAPHICS', 'PORT', v)],
      ['GRAPHICS', 'KEYMAP', (v) => withSub('GRAPHICS', 'KEYMAP', v)],
      ['INPUT', 'TYPE', (v) => withSub('INPUT', 'TYPE', v)],
      ['INPUT', 'BUS', (v) => withSub('INPUT', 'BUS', v)],
      ['VCPU', 'VCPU', (v) => withSingle('VCPU', v)],
      ['MEMORY', 'MEMORY', (v) => withSingle('MEMORY', v)],
    ];
    for (const [where, name, build] of slots) {
      for (const value of ATTACKS.filter((a) => a !== '')) {
        const r = kvm(build(value));
        assert.equal(r.ok, false, `${name}=${JSON.stringify(value)} was written`);
        if (!r.ok) assert.ok(r.error.message.startsWith(`Error in ${where}: ${name} must `) || r.error.code === 'disk_target', r.error.message);
      }
    }
  });
});
