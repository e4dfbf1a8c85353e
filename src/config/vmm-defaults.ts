import { parseTemplateWithLines } from '../template/parse-template.ts';
import { err, ok, type Result } from '../template/result.ts';
import { getAttributes } from '../template/template-lookup.ts';
import { isSingle, type Template } from '../template/template.ts';
import type { ConfigProblem } from './parse-oned-conf.ts';

/** libvirt's domain type: `kvm` needs /dev/kvm on the host, `qemu` emulates (TCG) and runs anywhere. */
export const KVM_DOMAIN_TYPES = ['kvm', 'qemu'] as const;
export type KvmDomainType = (typeof KVM_DOMAIN_TYPES)[number];

export interface VmmDefaults {
  /** The whole file: values (MEMORY, OS, FEATURES, DISK DRIVER, CREDIT…) a VM template leaves out. */
  readonly defaults: Template;
  /** DOMAIN_TYPE, for the kvm driver; `kvm` when the file does not set it. */
  readonly domainType: KvmDomainType;
}

/**
 * Reads a VM_MAD DEFAULT file (etc/vmm_kvm/vmm_kvm.conf, etc/vmm_xen/vmm_xen.conf).
 * As in 1.4 it is a template, parsed with the template parser, and keys a
 * driver does not use are ignored; only DOMAIN_TYPE, which ONE-TS adds, is
 * checked here. The values themselves are checked where they are used, by
 * the deployment-file generators. Pure: `file` only names the file in the message.
 */
export function parseVmmDefaults(text: string, file: string): Result<VmmDefaults, ConfigProblem> {
  const parsed = parseTemplateWithLines(text);
  if (!parsed.ok) return err({ file, line: parsed.error.line, message: parsed.error.message });
  const { template, lines } = parsed.value;
  const domainType = getAttributes(template, 'DOMAIN_TYPE');
  if (domainType.length === 0) return ok({ defaults: template, domainType: 'kvm' });
  const line = lines[template.attributes.indexOf(domainType[domainType.length - 1])];
  const last = domainType[domainType.length - 1];
  const value = isSingle(last) ? last.value.toLowerCase() : undefined;
  if (domainType.length > 1) return err({ file, line, message: 'DOMAIN_TYPE is set more than once' });
  if (value === undefined || !(KVM_DOMAIN_TYPES as readonly string[]).includes(value)) {
    return err({ file, line, message: `DOMAIN_TYPE must be one of ${KVM_DOMAIN_TYPES.join(', ')}, got ${isSingle(last) ? JSON.stringify(last.value) : 'a vector'}` });
  }
  return ok({ defaults: template, domainType: value as KvmDomainType });
}
