import type { VectorAttribute } from '../../template/template.ts';
import { readLeadingFloat } from '../../template/numeric-read.ts';
import { generate, MESSAGES, refuse, type DeploymentInput, type DeploymentResult } from './deployment-input.ts';
import { checked, contextVector, imagesDir, rawSections, isYes, RULES, sub, TemplateWithDefaults, XEN_ITEM_TEXT, XEN_TEXT, type Rule } from './deployment-values.ts';
import { rawXenProblem } from './raw-xen.ts';

/** A Xen disk prefix: `tap:aio`, `file`, `phy`, `tap2:tapdisk:aio`, with or without the final `:`. */
const XEN_DRIVER: Rule = { test: (v) => /^[a-z0-9]+(:[a-z0-9]+)*:?$/.test(v), describe: 'must be a Xen disk prefix such as tap:aio or file' };

/**
 * A string literal for the config. Every caller has checked the value with
 * XEN_TEXT (or builds it from checked parts), so it has no `'`, `\`, line
 * break or non-ASCII character; this check only guards against a future
 * caller that forgets.
 */
function quote(value: string): string {
  if (!XEN_TEXT.test(value)) throw new Error(`unchecked value reached the Xen config: ${JSON.stringify(value)}`);
  return `'${value}'`;
}

const list = (items: readonly string[]): string => (items.length ? `[ ${items.map(quote).join(', ')} ]` : '[]');

/**
 * The xm/xl config for a VM (spec §4.4.1, after 1.4's XenDriver), or why
 * there is none. One assignment per line, each right-hand side a Python
 * literal. Differences from 1.4: values are checked (1.4 wrote them raw into
 * a file xm runs as Python); MEMORY and the CPU count are written as numbers
 * and the latter under xm's name `vcpus`; GRAPHICS PORT is the TCP port, as
 * for kvm, so vncdisplay is PORT − 5900 (later OpenNebula releases did the
 * same); DISK TYPE=cdrom, DISK DRIVER and a usb tablet INPUT are written as
 * later releases do. FEATURES is KVM's only, as in 1.4.
 */
export function xenConfig(input: DeploymentInput): DeploymentResult {
  return generate((warn) => {
    const t = new TemplateWithDefaults(input.template, input.defaults);
    const images = imagesDir(input);
    const lines = [
      `name = ${quote(`one-${input.vid}`)}`,
      ...capacity(t),
      ...boot(t),
      `disk = ${list(disks(t, images, warn))}`,
      `vif = ${list(t.vectors('NIC').map((nic, i) => vif(`NIC ${i}`, nic)))}`,
      ...graphics(t, warn),
      ...inputDevice(t, warn),
      ...rawSections(input, 'xen', rawXenProblem),
    ];
    return `${lines.join('\n')}\n`;
  });
}

function capacity(t: TemplateWithDefaults): string[] {
  // The driver applies the weight with `xm sched-cred`: CPU (1 when unset) × CREDIT of the defaults file (1 when unset).
  const cpu = t.single('CPU') === undefined ? 1 : readLeadingFloat(t.single('CPU'));
  const credit = t.defaultSingle('CREDIT') === undefined ? 1 : readLeadingFloat(t.defaultSingle('CREDIT'));
  const credits = Math.ceil(cpu * credit);
  if (!Number.isSafeInteger(credits) || credits < 0) refuse('bad_value', 'Error in CPU: CPU × CREDIT must be a number of credits from 0 up');
  const memory = checked('MEMORY', 'MEMORY', t.single('MEMORY'), RULES.memory) ?? refuse('no_memory', MESSAGES.noMemory);
  const vcpu = checked('VCPU', 'VCPU', t.single('VCPU'), RULES.vcpu);
  return [`#O CPU_CREDITS = ${credits}`, `memory = ${Number(memory)}`, ...(vcpu ? [`vcpus = ${Number(vcpu)}`] : [])];
}

function boot(t: TemplateWithDefaults): string[] {
  const value = (name: string, rule = XEN_TEXT) => checked('OS', name, t.sub('OS', name), rule);
  const [kernel, initrd, kernelCmd, bootloader] = ['KERNEL', 'INITRD', 'KERNEL_CMD', 'BOOTLOADER'].map((n) => value(n));
  const root = value('ROOT', RULES.root);
  if (kernel) {
    const lines = [`kernel = ${quote(kernel)}`];
    if (initrd) lines.push(`ramdisk = ${quote(initrd)}`);
    if (root) lines.push(`root = ${quote(`/dev/${root}`)}`);
    if (kernelCmd) lines.push(`extra = ${quote(kernelCmd)}`);
    return lines;
  }
  if (bootloader) return [`bootloader = ${quote(bootloader)}`];
  return refuse('no_boot', MESSAGES.noKernel);
}

function disks(t: TemplateWithDefaults, images: string, warn: (text: string) => void): string[] {
  const prefix = (driver: string) => (driver.endsWith(':') ? driver : `${driver}:`);
  const fallback = prefix(checked('DISK', 'DRIVER', t.defaultSub('DISK', 'DRIVER'), XEN_DRIVER) ?? 'tap:aio');
  const all = t.vectors('DISK');
  const items = all.map((disk, i) => {
    const where = `DISK ${i}`;
    const target = sub(disk, 'TARGET') ?? refuse('disk_target', MESSAGES.diskTarget);
    checked(where, 'TARGET', target, RULES.device);
    const driver = checked(where, 'DRIVER', sub(disk, 'DRIVER'), XEN_DRIVER);
    const type = sub(disk, 'TYPE')?.toLowerCase();
    const how = driver ? prefix(driver) : type === 'block' ? 'phy:' : fallback;
    const device = type === 'cdrom' ? `${target}:cdrom` : target;
    return `${how}${images}/disk.${i},${device},${isYes(sub(disk, 'READONLY')) ? 'r' : 'w'}`;
  });
  const context = contextVector(t);
  if (context) {
    const target = checked('CONTEXT', 'TARGET', sub(context, 'TARGET'), RULES.device);
    if (target) items.push(`${fallback}${images}/disk.${all.length},${target},r`);
    else warn(MESSAGES.contextTarget);
  }
  return items;
}

function vif(where: string, nic: VectorAttribute): string {
  const mac = checked(where, 'MAC', sub(nic, 'MAC'), RULES.mac);
  const bridge = checked(where, 'BRIDGE', sub(nic, 'BRIDGE'), RULES.interfaceName);
  return [mac && `mac=${mac}`, bridge && `bridge=${bridge}`].filter(Boolean).join(',');
}

function graphics(t: TemplateWithDefaults, warn: (text: string) => void): string[] {
  const g = t.first('GRAPHICS');
  if (!g) return [];
  const type = sub(g, 'TYPE')?.toLowerCase();
  if (type === 'sdl') return [`vfb = ${list(['type=sdl'])}`];
  if (type !== 'vnc') {
    warn(MESSAGES.graphicsType);
    return [];
  }
  const listen = checked('GRAPHICS', 'LISTEN', sub(g, 'LISTEN'), RULES.listen);
  const port = checked('GRAPHICS', 'PORT', sub(g, 'PORT'), RULES.xenPort);
  const passwd = checked('GRAPHICS', 'PASSWD', sub(g, 'PASSWD'), XEN_ITEM_TEXT);
  const keymap = checked('GRAPHICS', 'KEYMAP', sub(g, 'KEYMAP'), RULES.keymap);
  const settings = [
    'type=vnc',
    listen && `vnclisten=${listen}`,
    port && `vncunused=0,vncdisplay=${Number(port) - 5900}`,
    passwd && `vncpasswd=${passwd}`,
    keymap && `keymap=${keymap}`,
  ];
  return [`vfb = ${list([settings.filter(Boolean).join(',')])}`];
}

function inputDevice(t: TemplateWithDefaults, warn: (text: string) => void): string[] {
  const input = t.first('INPUT');
  const type = checked('INPUT', 'TYPE', sub(input, 'TYPE'), RULES.inputType);
  const bus = checked('INPUT', 'BUS', sub(input, 'BUS'), RULES.inputBus);
  if (!type) return [];
  if (type === 'tablet' && bus === 'usb') return ['usb = 1', `usbdevice = ${quote('tablet')}`];
  warn(MESSAGES.xenInput);
  return [];
}
