import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeploymentInput } from '../../../../src/core/deployment/deployment-input.ts';
import { xenConfig } from '../../../../src/core/deployment/xen-config.ts';
import { single, template, vector, type Template } from '../../../../src/template/template.ts';
import { readXenConfigs, type XenPairs } from '../../../helpers/python-file-checks.ts';
import { ATTACKS, FULL, withSingle, withSub, withVector } from './deployment-fixtures.ts';

const xen = (t: Template, extra: Partial<DeploymentInput> = {}) => xenConfig({ vid: 7, template: t, vmDir: '/srv/one', ...extra });

function text(t: Template, extra: Partial<DeploymentInput> = {}): string {
  const r = xen(t, extra);
  if (!r.ok) assert.fail(r.error.message);
  return r.value.text;
}

/** The assignments as Python reads them (ast, nothing executed); fails the test unless every one is `name = literal`. */
function read(config: string): Record<string, unknown> {
  const [parsed] = readXenConfigs([config]);
  if (!parsed.ok) assert.fail(`not literal assignments (${parsed.error}):\n${config}`);
  return Object.fromEntries(parsed.value);
}

const KVM_ONLY_FULL = withVector('DISK', ...FULL.filter((a) => a.name === 'DISK').map((d) => ('pairs' in d ? vector('DISK', d.pairs.filter(([k]) => k !== 'DRIVER')) : d)));

describe('xen deployment file: the xm/xl config', () => {
  it('writes every section of a full template as name = literal lines', () => {
    const config = text(KVM_ONLY_FULL, { defaults: template([single('CREDIT', '256')]) });
    assert.deepEqual(config.split('\n').slice(0, 2), ["name = 'one-7'", '#O CPU_CREDITS = 128']);
    assert.deepEqual(read(config), {
      name: 'one-7',
      memory: 128,
      vcpus: 2,
      kernel: '/boot/vmlinuz',
      ramdisk: '/boot/initrd.img',
      root: '/dev/sda1',
      extra: 'ro console=ttyS0',
      disk: [
        'tap:aio:/srv/one/7/images/disk.0,sda,w',
        'tap:aio:/srv/one/7/images/disk.1,sdb,w',
        'tap:aio:/srv/one/7/images/disk.2,hdc:cdrom,r',
        'tap:aio:/srv/one/7/images/disk.3,hdd,r',
      ],
      vif: ['mac=02:00:c0:a8:00:07,bridge=br0', 'mac=02:00:c0:a8:00:08'],
      vfb: ['type=vnc,vnclisten=0.0.0.0,vncunused=0,vncdisplay=7,vncpasswd=secret,keymap=en-us'],
      usb: 1,
      usbdevice: 'tablet',
    });
  });

  it('uses a bootloader without a kernel, phy: for block disks, DRIVER prefixes, and the defaults file', () => {
    const t = template([
      single('MEMORY', '64'),
      vector('OS', [['BOOTLOADER', '/usr/bin/pygrub']]),
      vector('DISK', [['TYPE', 'block'], ['TARGET', 'xvda']]),
      vector('DISK', [['TARGET', 'xvdb'], ['DRIVER', 'file']]),
      vector('DISK', [['TARGET', 'xvdc']]),
      vector('GRAPHICS', [['TYPE', 'sdl']]),
    ]);
    assert.deepEqual(read(text(t, { defaults: template([vector('DISK', [['DRIVER', 'tap2:tapdisk:aio:']])]) })), {
      name: 'one-7',
      memory: 64,
      bootloader: '/usr/bin/pygrub',
      disk: ['phy:/srv/one/7/images/disk.0,xvda,w', 'file:/srv/one/7/images/disk.1,xvdb,w', 'tap2:tapdisk:aio:/srv/one/7/images/disk.2,xvdc,w'],
      vif: [],
      vfb: ['type=sdl'],
    });
    const defaults = template([single('MEMORY', '512'), single('VCPU', '3'), vector('OS', [['KERNEL', '/vmlinuz'], ['ROOT', 'xvda1']])]);
    const fromDefaults = read(text(template([]), { defaults }));
    assert.deepEqual([fromDefaults.memory, fromDefaults.vcpus, fromDefaults.kernel, fromDefaults.root], [512, 3, '/vmlinuz', '/dev/xvda1']);
    assert.equal(text(template([]), { defaults }).split('\n')[1], '#O CPU_CREDITS = 1', 'no CPU and no CREDIT: one credit');
  });

  it("returns 1.4's errors as data: no MEMORY, no kernel or bootloader, a DISK without TARGET, a VNC port below 5900", () => {
    assert.deepEqual(xen(withSingle('MEMORY')), { ok: false, error: { code: 'no_memory', message: 'No MEMORY defined and no default provided.' } });
    const noBoot = withVector('OS', vector('OS', [['ROOT', 'sda1']]));
    assert.deepEqual(xen(noBoot), { ok: false, error: { code: 'no_boot', message: 'No kernel or bootloader defined and no default provided.' } });
    assert.deepEqual(xen(withVector('DISK', vector('DISK', [['SOURCE', '/a']]))), { ok: false, error: { code: 'disk_target', message: 'Wrong target value in DISK.' } });
    const port = xen(withSub('GRAPHICS', 'PORT', '5899'));
    assert.deepEqual(port, { ok: false, error: { code: 'bad_value', message: 'Error in GRAPHICS: PORT must be a TCP port of 5900 or above (Xen counts VNC displays from 5900)' } });
    const credit = { defaults: template([single('CREDIT', '256')]) };
    for (const cpu of ['1e308', '-1']) {
      assert.deepEqual(xen(withSingle('CPU', cpu), credit), { ok: false, error: { code: 'bad_value', message: 'Error in CPU: CPU × CREDIT must be a number of credits from 0 up' } }, cpu);
    }
  });

  it('warns about a CONTEXT without TARGET, an unknown GRAPHICS type and an INPUT other than a usb tablet', () => {
    const r = xen(
      template([
        ...FULL.filter((a) => !['CONTEXT', 'GRAPHICS', 'INPUT'].includes(a.name)),
        vector('CONTEXT', [['X', '1']]),
        vector('GRAPHICS', [['TYPE', 'spice']]),
        vector('INPUT', [['TYPE', 'mouse'], ['BUS', 'ps2']]),
      ]),
    );
    assert.ok(r.ok);
    assert.deepEqual(r.value.warnings, [
      'Could not find target device to attach context, will continue without it.',
      'Not supported graphics type, ignored.',
      'Not supported input, only usb tablet, ignored.',
    ]);
    const config = read(r.value.text);
    assert.equal((config.disk as string[]).length, 3);
    assert.equal('vfb' in config || 'usb' in config, false);
  });

  it('passes RAW TYPE=xen through only when allowed and made of literal assignments; ignores RAW for kvm', () => {
    const raw = (data: string, type = 'xen') => withVector('RAW', vector('RAW', [['TYPE', type], ['DATA', data]]));
    assert.deepEqual(xen(raw("on_crash = 'destroy'")), { ok: false, error: { code: 'raw_refused', message: 'RAW is only allowed in VMs owned by oneadmin' } });
    const config = read(text(raw("on_crash = 'destroy'\n# keep\ncpus = [ 0, 1 ]"), { rawAllowed: true }));
    assert.deepEqual([config.on_crash, config.cpus], ['destroy', [0, 1]]);
    for (const code of ["import os; os.system('id')", "bootloader = __import__('os').system('id')", "x = '''a", 'x = 1\n  y = 2']) {
      const r = xen(raw(code), { rawAllowed: true });
      assert.equal(r.ok ? 'written' : r.error.code, 'bad_raw', code);
    }
    assert.equal(text(raw('<clock/>', 'kvm')).includes('clock'), false);
  });

  it('writes every attack string in a free-text value as one literal with the same value, or refuses it', () => {
    const slots: [string, string, (v: string) => Template, (c: Record<string, unknown>) => unknown][] = [
      ['OS', 'KERNEL', (v) => withSub('OS', 'KERNEL', v), (c) => c.kernel],
      ['OS', 'INITRD', (v) => withSub('OS', 'INITRD', v), (c) => c.ramdisk],
      ['OS', 'KERNEL_CMD', (v) => withSub('OS', 'KERNEL_CMD', v), (c) => c.extra],
      ['OS', 'BOOTLOADER', (v) => withVector('OS', vector('OS', [['BOOTLOADER', v]])), (c) => c.bootloader],
      ['GRAPHICS', 'PASSWD', (v) => withSub('GRAPHICS', 'PASSWD', v), (c) => /vncpasswd=([^,]*)/.exec((c.vfb as string[])[0])?.[1]],
    ];
    const written: { config: string; value: string; pick: (c: Record<string, unknown>) => unknown }[] = [];
    for (const [where, name, build, pick] of slots) {
      for (const value of ATTACKS.filter((a) => a !== '')) {
        const r = xen(build(value));
        const printable = /^[\x20-\x7e]*$/.test(value) && !/['\\]/.test(value) && !(name === 'PASSWD' && value.includes(','));
        if (r.ok) written.push({ config: r.value.text, value, pick });
        else assert.equal(r.error.message.startsWith(`Error in ${where}: ${name} must be printable ASCII without`), true, r.error.message);
        assert.equal(r.ok, printable, `${name}=${JSON.stringify(value)}`);
      }
    }
    readXenConfigs(written.map((w) => w.config)).forEach((parsed, i) => {
      if (!parsed.ok) assert.fail(`${parsed.error}\n${written[i].config}`);
      assert.equal(written[i].pick(Object.fromEntries(parsed.value as XenPairs)), written[i].value);
    });
  });

  it('refuses every attack string in a value with a strict pattern', () => {
    const builds: ((v: string) => Template)[] = [
      (v) => withSub('NIC', 'MAC', v),
      (v) => withSub('NIC', 'BRIDGE', v),
      (v) => withSub('DISK', 'TARGET', v),
      (v) => withSub('DISK', 'DRIVER', v),
      (v) => withSub('CONTEXT', 'TARGET', v),
      (v) => withSub('OS', 'ROOT', v),
      (v) => withSub('GRAPHICS', 'LISTEN', v),
      (v) => withSub('GRAPHICS', 'PORT', v),
      (v) => withSub('GRAPHICS', 'KEYMAP', v),
      (v) => withSub('INPUT', 'BUS', v),
      (v) => withSingle('VCPU', v),
      (v) => withSingle('MEMORY', v),
    ];
    for (const [i, build] of builds.entries()) {
      for (const value of ATTACKS.filter((a) => a !== '')) {
        const r = xen(build(value));
        assert.equal(r.ok ? 'written' : r.error.code, 'bad_value', `slot ${i}: ${JSON.stringify(value)}`);
      }
    }
  });
});
