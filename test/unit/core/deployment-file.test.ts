import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../../src/config/layout.ts';
import { deploymentFile, type DeploymentRequest } from '../../../src/core/deployment-file.ts';
import { parseTemplate } from '../../../src/template/parse-template.ts';

const etcDir = join(REPO_ROOT, 'etc'); // the shipped vmm_kvm.conf and vmm_xen.conf
const scratch = mkdtempSync(join(tmpdir(), 'one-deployment-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const template = (text: string) => {
  const t = parseTemplate(text);
  assert.ok(t.ok);
  return t.value;
};
const kvmMad = { name: 'vmm_kvm', executable: 'one_vmm_kvm', arguments: '', default: 'vmm_kvm/vmm_kvm.conf', type: 'kvm' };
const request = (over: Partial<DeploymentRequest>): DeploymentRequest => ({
  vid: 5, uid: 1, template: template('MEMORY = 32'), vmDir: '/var/one', mad: kvmMad, etcDir, ...over,
});

describe('the deployment file oned writes for a VM_MAD', () => {
  it('is libvirt XML for type kvm, with the DEFAULT file\'s values, and the domain type it names', () => {
    const shipped = deploymentFile(request({}));
    assert.ok(shipped.ok);
    assert.match(shipped.value.text, /^<domain type='kvm'>\n {2}<name>one-5<\/name>/);
    assert.match(shipped.value.text, /<boot dev='hd'\/>/); // OS = [ boot = "hd" ] of vmm_kvm.conf
    writeFileSync(join(scratch, 'qemu.conf'), 'DOMAIN_TYPE = qemu\nOS = [ BOOT = "hd" ]\n');
    const qemu = deploymentFile(request({ mad: { ...kvmMad, default: join(scratch, 'qemu.conf') } }));
    assert.ok(qemu.ok);
    assert.match(qemu.value.text, /^<domain type='qemu'>/);
  });

  it('is the Xen config for type xen and the template as JSON for dummy', () => {
    const xen = deploymentFile(request({ mad: { ...kvmMad, type: 'xen', default: 'vmm_xen/vmm_xen.conf' }, template: template('MEMORY = 32\nOS = [ KERNEL = "/k" ]') }));
    assert.ok(xen.ok);
    assert.match(xen.value.text, /^name = 'one-5'$/m);
    const dummy = deploymentFile(request({ mad: { name: 'vmm_dummy', executable: 'one_vmm_dummy', arguments: '', type: 'dummy' } }));
    assert.ok(dummy.ok);
    assert.deepEqual(JSON.parse(dummy.value.text), template('MEMORY = 32'));
  });

  it('fails with the VM log message on a generator error, an unreadable or bad DEFAULT file', () => {
    assert.deepEqual(deploymentFile(request({ template: template('CPU = 1') })), { ok: false, error: 'No MEMORY defined and no default provided.' });
    const missing = deploymentFile(request({ mad: { ...kvmMad, default: 'vmm_kvm/nope.conf' } }));
    assert.ok(!missing.ok);
    assert.match(missing.error, /^Cannot read the driver defaults .*vmm_kvm\/nope\.conf: ENOENT/);
    writeFileSync(join(scratch, 'bad.conf'), 'OS = [ BOOT = "hd" ]\nDOMAIN_TYPE = lxc\n');
    const bad = deploymentFile(request({ mad: { ...kvmMad, default: join(scratch, 'bad.conf') } }));
    assert.ok(!bad.ok);
    assert.equal(bad.error, `${join(scratch, 'bad.conf')}:2: DOMAIN_TYPE must be one of kvm, qemu, got "lxc"`);
  });

  it('lets RAW through only for VMs owned by oneadmin', () => {
    const raw = template('MEMORY = 32\nRAW = [ TYPE = "kvm", DATA = "<clock offset=\'utc\'/>" ]');
    assert.deepEqual(deploymentFile(request({ template: raw })), { ok: false, error: 'RAW is only allowed in VMs owned by oneadmin' });
    const admin = deploymentFile(request({ template: raw, uid: 0 }));
    assert.ok(admin.ok);
    assert.match(admin.value.text, /<clock offset='utc'\/>/);
  });
});
