/** Templates and attack strings shared by the deployment-file tests. */
import { single, template, vector, type Template, type TemplateAttribute } from '../../../../src/template/template.ts';

/** Values that break a format when written raw: quotes, markup, shell, Python escapes, line breaks, NUL. */
export const ATTACKS = [
  "'",
  '"',
  `a'b"c`,
  '</name><x>',
  "' or '1'='1",
  ']]>',
  '&amp;',
  '&',
  '<!--',
  '$(id)',
  '`id`',
  '; rm -rf /',
  '\\',
  "\\'",
  "'''",
  '"""',
  'x\ny = 1',
  'a\0b',
  'a\rb',
  'a\tb',
  'é',
  '\u2028',
  'x,y=z',
  '# c',
  '%s%n',
  'a b',
  '',
] as const;

/** A VM with one of everything, as the tests' starting point. */
export const FULL: readonly TemplateAttribute[] = [
  single('NAME', 'full'),
  single('MEMORY', '128'),
  single('CPU', '0.5'),
  single('VCPU', '2'),
  vector('OS', [['KERNEL', '/boot/vmlinuz'], ['INITRD', '/boot/initrd.img'], ['ROOT', 'sda1'], ['KERNEL_CMD', 'ro console=ttyS0'], ['BOOT', 'hd'], ['ARCH', 'x86_64']]),
  vector('FEATURES', [['ACPI', 'yes'], ['PAE', 'no']]),
  vector('DISK', [['SOURCE', '/img/root.qcow2'], ['TARGET', 'sda'], ['BUS', 'scsi'], ['DRIVER', 'qcow2']]),
  vector('DISK', [['TYPE', 'swap'], ['SIZE', '64'], ['TARGET', 'sdb'], ['READONLY', 'no']]),
  vector('DISK', [['SOURCE', '/img/cd.iso'], ['TYPE', 'cdrom'], ['TARGET', 'hdc'], ['READONLY', 'yes']]),
  vector('CONTEXT', [['HOSTNAME', 'vm'], ['TARGET', 'hdd']]),
  vector('NIC', [['BRIDGE', 'br0'], ['MAC', '02:00:c0:a8:00:07'], ['TARGET', 'one-7-0'], ['SCRIPT', '/etc/one/nic-up'], ['MODEL', 'virtio']]),
  vector('NIC', [['MAC', '02:00:c0:a8:00:08']]),
  vector('GRAPHICS', [['TYPE', 'vnc'], ['LISTEN', '0.0.0.0'], ['PORT', '5907'], ['PASSWD', 'secret'], ['KEYMAP', 'en-us']]),
  vector('INPUT', [['TYPE', 'tablet'], ['BUS', 'usb']]),
];

/** FULL with the vectors of `name` replaced by `replacement` (none when omitted). */
export function withVector(name: string, ...replacement: TemplateAttribute[]): Template {
  const kept = FULL.filter((a) => a.name !== name);
  return template([...kept, ...replacement]);
}

/** FULL with one sub-attribute of the first vector called `name` set to `value`, in place. */
export function withSub(name: string, sub: string, value: string): Template {
  const first = FULL.find((a) => a.name === name);
  if (!first || !('pairs' in first)) throw new Error(`FULL has no vector ${name}`);
  const changed = vector(name, [...first.pairs.filter(([k]) => k !== sub), [sub, value]]);
  return template(FULL.map((a) => (a === first ? changed : a)));
}

/** FULL without the single `name`, or with it set to `value`. */
export function withSingle(name: string, value?: string): Template {
  const kept = FULL.filter((a) => a.name !== name);
  return template(value === undefined ? kept : [...kept, single(name, value)]);
}
