import { isValidHostName } from '../../inputs/host-name.ts';
import { findForbiddenCharacter } from '../../inputs/xml-characters.ts';
import { getFirstVector, getSingle, getVectors, vectorValue } from '../../template/template-lookup.ts';
import type { Template, VectorAttribute } from '../../template/template.ts';
import { CONTROL_CHARACTER } from '../transfer-script-line.ts';
import { refuse, type DeploymentInput } from './deployment-input.ts';

/**
 * Reading a VM template for a deployment file: a value the template leaves
 * out (or empty) comes from the driver defaults file, as 1.4's get_default
 * did, and every value passes a rule for the format it is written into
 * before any generator sees it.
 */

export interface Rule {
  readonly test: (value: string) => boolean;
  /** Completes "Error in NIC 0: MAC …". */
  readonly describe: string;
}

const pattern = (re: RegExp, describe: string): Rule => ({ test: (v) => re.test(v), describe });

const integer = (min: number, max: number, describe: string): Rule => ({
  test: (v) => /^-?[0-9]{1,12}$/.test(v) && Number(v) >= min && Number(v) <= max,
  describe,
});

/** Largest MEMORY, in MB (4 PB): its KB figure is still an exact integer everywhere. */
export const MAX_MEMORY_MB = 2 ** 32;

export const RULES = {
  memory: integer(1, MAX_MEMORY_MB, `must be a whole number of MB from 1 to ${MAX_MEMORY_MB}`),
  vcpu: integer(1, 4096, 'must be a whole number from 1 to 4096'),
  mac: pattern(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/, 'must be six hex octets such as 02:00:c0:a8:00:01'),
  /** Linux interface names: at most 15 characters (IFNAMSIZ), no `/`, blank or `,`. */
  interfaceName: pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/, 'must be a network interface name (at most 15 letters, digits, _ . or -)'),
  device: pattern(/^[a-z][a-z0-9]{0,31}$/, 'must be a device name such as hda, sda1 or vda'),
  /** Guest device for `root=/dev/<ROOT>`: `sda1`, `xvda1`, `mapper/vg-root`. */
  root: pattern(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/, 'must be a device name under /dev such as sda1'),
  word: pattern(/^[A-Za-z0-9][A-Za-z0-9_]{0,31}$/, 'must be one word of letters, digits and _'),
  boot: pattern(/^(hd|cdrom|fd|network)(,(hd|cdrom|fd|network))*$/, 'must be hd, cdrom, fd or network (or a comma-separated list of them)'),
  inputType: pattern(/^(mouse|tablet)$/, 'must be mouse or tablet'),
  inputBus: pattern(/^(usb|ps2|xen)$/, 'must be usb, ps2 or xen'),
  keymap: pattern(/^[a-z]{2}(-[a-z]{2,3})?$/, 'must be a keymap such as en-us or de'),
  kvmPort: integer(-1, 65535, 'must be a TCP port (or -1 for any free one)'),
  xenPort: integer(5900, 65535, 'must be a TCP port of 5900 or above (Xen counts VNC displays from 5900)'),
  listen: { test: isValidHostName, describe: 'must be an IP address or a host name' },
  /** VM_DIR comes from oned.conf, but it reaches every disk path of both formats. */
  vmDir: pattern(/^\/[A-Za-z0-9_.+/-]*$/, 'must be an absolute path of letters, digits and _ . + - /'),
} as const;

/** Free text in libvirt XML: escaped on output, but a control character has no place in any of these values. */
export const XML_TEXT: Rule = {
  test: (v) => !CONTROL_CHARACTER.test(v) && findForbiddenCharacter(v) === undefined,
  describe: 'must not contain control characters',
};

/**
 * Free text in a Xen config, written as a '…' string. xm exec()s the file as
 * Python 2 source and xl reads it with its own parser; a string with no `'`,
 * no `\`, no line break and nothing outside printable ASCII reads the same,
 * and as one literal, in both. `$(…)`, `;` and `"` are plain characters there.
 */
export const XEN_TEXT: Rule = {
  test: (v) => /^[\x20-\x7e]*$/.test(v) && !/['\\]/.test(v),
  describe: "must be printable ASCII without ' or \\",
};

/** A value inside a Xen list item such as 'type=vnc,vncpasswd=…': a `,` would start another key. */
export const XEN_ITEM_TEXT: Rule = {
  test: (v) => XEN_TEXT.test(v) && !v.includes(','),
  describe: "must be printable ASCII without ' \\ or ,",
};

/** The value, or undefined when absent or empty; a value failing `rule` is refused, naming where it is. */
export function checked(where: string, name: string, value: string | undefined, rule: Rule): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!rule.test(value)) refuse('bad_value', `Error in ${where}: ${name} ${rule.describe}`);
  return value;
}

/** A non-empty sub-attribute of a vector. */
export function sub(vector: VectorAttribute | undefined, name: string): string | undefined {
  const value = vector ? vectorValue(vector, name) : undefined;
  return value === '' ? undefined : value;
}

/** Reads the template with the driver defaults behind it. */
export class TemplateWithDefaults {
  constructor(
    readonly template: Template,
    private readonly defaults: Template | undefined,
  ) {}

  single(name: string): string | undefined {
    const own = getSingle(this.template, name);
    if (own !== undefined && own !== '') return own;
    const fallback = this.defaults ? getSingle(this.defaults, name) : undefined;
    return fallback === '' ? undefined : fallback;
  }

  /** `OS/KERNEL` and the like: the template's first OS vector, then the defaults' one. */
  sub(vectorName: string, name: string): string | undefined {
    return sub(getFirstVector(this.template, vectorName), name) ?? sub(this.defaultVector(vectorName), name);
  }

  /** A single only the defaults file may set (EMULATOR, CREDIT): not a VM owner's choice. */
  defaultSingle(name: string): string | undefined {
    const value = this.defaults ? getSingle(this.defaults, name) : undefined;
    return value === '' ? undefined : value;
  }

  /** A sub-attribute only the defaults give for every vector of a kind (DISK/DRIVER). */
  defaultSub(vectorName: string, name: string): string | undefined {
    return sub(this.defaultVector(vectorName), name);
  }

  vectors(name: string): VectorAttribute[] {
    return getVectors(this.template, name);
  }

  first(name: string): VectorAttribute | undefined {
    return getFirstVector(this.template, name);
  }

  private defaultVector(name: string): VectorAttribute | undefined {
    return this.defaults ? getFirstVector(this.defaults, name) : undefined;
  }
}

/** `yes` in any case, as 1.4 compared READONLY after upper-casing it. */
export const isYes = (value: string | undefined): boolean => value?.toLowerCase() === 'yes';

/** The one CONTEXT vector (1.4 attached the ISO only when there is exactly one). */
export const contextVector = (t: TemplateWithDefaults): VectorAttribute | undefined => {
  const all = t.vectors('CONTEXT');
  return all.length === 1 ? all[0] : undefined;
};

/** `<VM_DIR>/<vid>/images` on the host, where disk.<i> live (spec §9.1). */
export function imagesDir(input: DeploymentInput): string {
  if (!Number.isSafeInteger(input.vid) || input.vid < 0) refuse('bad_value', `Error in VM id: ${input.vid} is not a VM id`);
  const vmDir = checked('VM_DIR', 'VM_DIR', input.vmDir.replace(/(.)\/+$/, '$1'), RULES.vmDir);
  if (vmDir === undefined) return refuse('bad_value', 'Error in VM_DIR: VM_DIR is empty');
  return `${vmDir === '/' ? '' : vmDir}/${input.vid}/images`;
}

/**
 * The DATA of every RAW whose TYPE is this hypervisor's, in template order:
 * the one deliberate pass-through. Only the caller can allow it (the VM's
 * owner is oneadmin), and `problemOf` must find the data unable to break the
 * file's structure (raw-xml.ts, raw-xen.ts). RAW for another hypervisor is
 * ignored, as in 1.4.
 */
export function rawSections(input: DeploymentInput, hypervisor: 'kvm' | 'xen', problemOf: (data: string) => string | undefined): string[] {
  const sections: string[] = [];
  for (const [i, raw] of getVectors(input.template, 'RAW').entries()) {
    if (vectorValue(raw, 'TYPE')?.toLowerCase() !== hypervisor) continue;
    const data = sub(raw, 'DATA');
    if (data === undefined) continue;
    if (!input.rawAllowed) refuse('raw_refused', 'RAW is only allowed in VMs owned by oneadmin');
    const problem = problemOf(data);
    if (problem) refuse('bad_raw', `Error in RAW ${i}: DATA ${problem}`);
    sections.push(data);
  }
  return sections;
}
