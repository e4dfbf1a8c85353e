import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseVmmDefaults } from '../../../src/config/vmm-defaults.ts';
import { kvmDomainXml } from '../../../src/core/deployment/kvm-domain-xml.ts';
import { xenConfig } from '../../../src/core/deployment/xen-config.ts';
import { single, template, vector } from '../../../src/template/template.ts';

const shipped = (path: string) => readFileSync(new URL(`../../../etc/${path}`, import.meta.url), 'utf8');

describe('VM_MAD defaults files', () => {
  it('reads the shipped vmm_kvm.conf: domain type kvm, boot from hd, ACPI on, PAE off', () => {
    const r = parseVmmDefaults(shipped('vmm_kvm/vmm_kvm.conf'), 'vmm_kvm.conf');
    assert.ok(r.ok);
    assert.equal(r.value.domainType, 'kvm');
    const vm = template([single('MEMORY', '64'), vector('DISK', [['TARGET', 'hda']])]);
    const xml = kvmDomainXml({ vid: 1, template: vm, vmDir: '/var/lib/one', defaults: r.value.defaults }, { domainType: r.value.domainType });
    assert.ok(xml.ok);
    assert.match(xml.value.text, /<domain type='kvm'>/);
    assert.match(xml.value.text, /<boot dev='hd'\/>/);
    assert.match(xml.value.text, /<features>\n {4}<acpi\/>\n {2}<\/features>/);
  });

  it('reads the shipped vmm_xen.conf: 256 credits per CPU', () => {
    const r = parseVmmDefaults(shipped('vmm_xen/vmm_xen.conf'), 'vmm_xen.conf');
    assert.ok(r.ok);
    const vm = template([single('MEMORY', '64'), single('CPU', '0.5'), vector('OS', [['BOOTLOADER', '/usr/bin/pygrub']])]);
    const config = xenConfig({ vid: 1, template: vm, vmDir: '/var/lib/one', defaults: r.value.defaults });
    assert.ok(config.ok);
    assert.match(config.value.text, /^#O CPU_CREDITS = 128$/m);
  });

  it('takes DOMAIN_TYPE qemu in any case, and refuses other types and syntax errors with file:line', () => {
    const qemu = parseVmmDefaults('# TCG\nDOMAIN_TYPE = "QEMU"\n', 'f');
    assert.equal(qemu.ok && qemu.value.domainType, 'qemu');
    assert.deepEqual(parseVmmDefaults('\n\nDOMAIN_TYPE = xen\n', 'f'), { ok: false, error: { file: 'f', line: 3, message: 'DOMAIN_TYPE must be one of kvm, qemu, got "xen"' } });
    assert.deepEqual(parseVmmDefaults('DOMAIN_TYPE = [ a = b ]\n', 'f'), { ok: false, error: { file: 'f', line: 1, message: 'DOMAIN_TYPE must be one of kvm, qemu, got a vector' } });
    assert.deepEqual(parseVmmDefaults('DOMAIN_TYPE = kvm\nDOMAIN_TYPE = qemu\n', 'f'), { ok: false, error: { file: 'f', line: 2, message: 'DOMAIN_TYPE is set more than once' } });
    const broken = parseVmmDefaults('OS = [ boot = "hd"\n', 'f');
    assert.equal(broken.ok, false);
    assert.equal(!broken.ok && broken.error.file, 'f');
  });
});
