import { KVM_DOMAIN_TYPES, type KvmDomainType } from '../../config/vmm-defaults.ts';
import type { VectorAttribute } from '../../template/template.ts';
import { escapeXml } from '../../template/escape-xml.ts';
import { generate, MESSAGES, refuse, type DeploymentInput, type DeploymentResult } from './deployment-input.ts';
import { checked, contextVector, imagesDir, rawSections, isYes, RULES, sub, TemplateWithDefaults, XML_TEXT } from './deployment-values.ts';
import { rawXmlProblem } from './raw-xml.ts';

export interface KvmOptions {
  /** From DOMAIN_TYPE in etc/vmm_kvm/vmm_kvm.conf; `kvm` when not set. */
  readonly domainType?: KvmDomainType;
}

type Attributes = Readonly<Record<string, string | undefined>>;

/** `<name a='v'/>` or `<name a='v'>text</name>`; every value escaped, absent attributes left out. */
function element(name: string, attributes: Attributes = {}, text?: string): string {
  const attrs = Object.entries(attributes)
    .filter((a): a is [string, string] => a[1] !== undefined)
    .map(([k, v]) => ` ${k}='${escapeXml(v)}'`)
    .join('');
  return text === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${escapeXml(text)}</${name}>`;
}

/**
 * The libvirt domain XML for a VM (spec §4.4.1, after 1.4's LibVirtDriver),
 * or why there is none. Differences from 1.4: values are escaped or checked
 * (1.4 wrote them raw); `<type>hvm</type>` is written for `qemu` domains too
 * (libvirt needs it); `<bootloader>` sits where libvirt reads it, next to
 * `<os>`; the emulator is only written when the defaults file sets EMULATOR
 * (otherwise libvirt picks the one for the domain type); DISK TYPE=cdrom and
 * floppy get their libvirt device kinds; DISK DRIVER gives the image format.
 */
export function kvmDomainXml(input: DeploymentInput, options: KvmOptions = {}): DeploymentResult {
  return generate((warn) => {
    const domainType = options.domainType ?? 'kvm';
    if (!(KVM_DOMAIN_TYPES as readonly string[]).includes(domainType)) refuse('bad_value', `Error in DOMAIN_TYPE: must be kvm or qemu, got ${JSON.stringify(domainType)}`);
    const t = new TemplateWithDefaults(input.template, input.defaults);
    const images = imagesDir(input);
    const lines = [
      `<domain type='${domainType}'>`,
      `  <name>one-${input.vid}</name>`,
      ...capacity(t),
      ...os(t),
      '  <devices>',
      ...devices(t, images, warn).map((l) => `    ${l}`),
      '  </devices>',
      ...features(t),
      ...rawSections(input, 'kvm', rawXmlProblem).map((data) => `  ${data}`),
      '</domain>',
    ];
    return `${lines.join('\n')}\n`;
  });
}

function capacity(t: TemplateWithDefaults): string[] {
  const vcpu = checked('VCPU', 'VCPU', t.single('VCPU'), RULES.vcpu);
  const memory = checked('MEMORY', 'MEMORY', t.single('MEMORY'), RULES.memory) ?? refuse('no_memory', MESSAGES.noMemory);
  return [...(vcpu ? [`  ${element('vcpu', {}, vcpu)}`] : []), `  ${element('memory', {}, String(Number(memory) * 1024))}`];
}

function os(t: TemplateWithDefaults): string[] {
  const value = (name: string, rule = XML_TEXT) => checked('OS', name, t.sub('OS', name), rule);
  const [kernel, initrd, kernelCmd, bootloader] = ['KERNEL', 'INITRD', 'KERNEL_CMD', 'BOOTLOADER'].map((n) => value(n));
  const root = value('ROOT', RULES.root);
  const arch = value('ARCH', RULES.word);
  const boot = value('BOOT', RULES.boot) ?? refuse('no_boot', MESSAGES.noBootDevice);
  const lines = bootloader && !kernel ? [`  ${element('bootloader', {}, bootloader)}`] : [];
  lines.push('  <os>', `    ${element('type', { arch }, 'hvm')}`);
  if (kernel) {
    lines.push(`    ${element('kernel', {}, kernel)}`);
    if (initrd) lines.push(`    ${element('initrd', {}, initrd)}`);
    const cmdline = [root && `root=/dev/${root}`, kernelCmd].filter(Boolean).join(' ');
    if (cmdline) lines.push(`    ${element('cmdline', {}, cmdline)}`);
  }
  for (const dev of boot.split(',')) lines.push(`    ${element('boot', { dev })}`);
  lines.push('  </os>');
  return lines;
}

function devices(t: TemplateWithDefaults, images: string, warn: (text: string) => void): string[] {
  const lines: string[] = [];
  const emulator = checked('defaults file', 'EMULATOR', t.defaultSingle('EMULATOR'), XML_TEXT);
  if (emulator) lines.push(element('emulator', {}, emulator));
  const disks = t.vectors('DISK');
  for (const [i, disk] of disks.entries()) {
    const where = `DISK ${i}`;
    const target = sub(disk, 'TARGET') ?? refuse('disk_target', MESSAGES.diskTarget);
    checked(where, 'TARGET', target, RULES.device);
    const bus = checked(where, 'BUS', sub(disk, 'BUS'), RULES.word);
    const format = checked(where, 'DRIVER', sub(disk, 'DRIVER') ?? t.defaultSub('DISK', 'DRIVER'), RULES.word);
    const type = sub(disk, 'TYPE')?.toLowerCase();
    const file = `${images}/disk.${i}`;
    const device = type === 'cdrom' || type === 'floppy' ? type : 'disk';
    lines.push(type === 'block' ? `<disk type='block' device='disk'>` : `<disk type='file' device='${device}'>`);
    if (format) lines.push(`  ${element('driver', { name: 'qemu', type: format })}`);
    lines.push(`  ${type === 'block' ? element('source', { dev: file }) : element('source', { file })}`);
    lines.push(`  ${element('target', { dev: target, bus })}`);
    if (isYes(sub(disk, 'READONLY'))) lines.push('  <readonly/>');
    lines.push('</disk>');
  }
  const context = contextVector(t);
  if (context) {
    const target = checked('CONTEXT', 'TARGET', sub(context, 'TARGET'), RULES.device);
    if (target) {
      lines.push(`<disk type='file' device='cdrom'>`, `  ${element('source', { file: `${images}/disk.${disks.length}` })}`);
      lines.push(`  ${element('target', { dev: target })}`, '  <readonly/>', '</disk>');
    } else warn(MESSAGES.contextTarget);
  }
  for (const [i, nic] of t.vectors('NIC').entries()) lines.push(...networkInterface(`NIC ${i}`, nic));
  lines.push(...graphics(t, warn), ...inputDevice(t));
  return lines;
}

function networkInterface(where: string, nic: VectorAttribute): string[] {
  const bridge = checked(where, 'BRIDGE', sub(nic, 'BRIDGE'), RULES.interfaceName);
  const mac = checked(where, 'MAC', sub(nic, 'MAC'), RULES.mac);
  const target = checked(where, 'TARGET', sub(nic, 'TARGET'), RULES.interfaceName);
  const script = checked(where, 'SCRIPT', sub(nic, 'SCRIPT'), XML_TEXT);
  const model = checked(where, 'MODEL', sub(nic, 'MODEL'), RULES.word);
  const lines = [bridge ? `<interface type='bridge'>` : `<interface type='ethernet'>`];
  if (bridge) lines.push(`  ${element('source', { bridge })}`);
  if (mac) lines.push(`  ${element('mac', { address: mac })}`);
  if (target) lines.push(`  ${element('target', { dev: target })}`);
  if (script) lines.push(`  ${element('script', { path: script })}`);
  if (model) lines.push(`  ${element('model', { type: model })}`);
  lines.push('</interface>');
  return lines;
}

function graphics(t: TemplateWithDefaults, warn: (text: string) => void): string[] {
  const g = t.first('GRAPHICS');
  if (!g) return [];
  const type = sub(g, 'TYPE')?.toLowerCase();
  if (type === 'sdl') return [element('graphics', { type })];
  if (type !== 'vnc') {
    warn(MESSAGES.graphicsType);
    return [];
  }
  return [
    element('graphics', {
      type,
      listen: checked('GRAPHICS', 'LISTEN', sub(g, 'LISTEN'), RULES.listen),
      port: checked('GRAPHICS', 'PORT', sub(g, 'PORT'), RULES.kvmPort),
      passwd: checked('GRAPHICS', 'PASSWD', sub(g, 'PASSWD'), XML_TEXT),
      keymap: checked('GRAPHICS', 'KEYMAP', sub(g, 'KEYMAP'), RULES.keymap),
    }),
  ];
}

function inputDevice(t: TemplateWithDefaults): string[] {
  const input = t.first('INPUT');
  const type = checked('INPUT', 'TYPE', sub(input, 'TYPE'), RULES.inputType);
  if (!type) return [];
  return [element('input', { type, bus: checked('INPUT', 'BUS', sub(input, 'BUS'), RULES.inputBus) })];
}

function features(t: TemplateWithDefaults): string[] {
  const pae = isYes(t.sub('FEATURES', 'PAE'));
  const acpi = isYes(t.sub('FEATURES', 'ACPI'));
  if (!pae && !acpi) return [];
  return ['  <features>', ...(pae ? ['    <pae/>'] : []), ...(acpi ? ['    <acpi/>'] : []), '  </features>'];
}
