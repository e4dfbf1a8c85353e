import { domainError, ErrorCode, type DomainError } from '../events/domain-error.ts';
import { isSingle, type Template } from '../template/template.ts';

/**
 * What a VM may ask of a host. 1.4 read CPU and MEMORY with `istringstream`
 * and took whatever came out, so `CPU=-1000` drove a host's CPU_USAGE to
 * -100000 and a huge MEMORY printed as `1.024e+26`. Here the figures are
 * checked at one.vm.allocate and anything else is refused with 0x1000:
 *
 * - CPU: a plain decimal number of physical CPUs, from 0 to 1024;
 * - MEMORY: a whole number of MB, from 0 to 2^32 (4 PB);
 * - VCPU (when present): a whole number of virtual CPUs, from 1 to 1024.
 *
 * With these bounds every host figure (CPU × 100, MEMORY × 1024 KB, summed
 * over the VMs of a host) stays an exact integer far below 2^53.
 */
export const CAPACITY_LIMITS = { CPU: 1024, MEMORY: 2 ** 32, VCPU: 1024 } as const;

interface Rule {
  readonly pattern: RegExp;
  readonly min: number;
  readonly max: number;
  readonly what: string;
}

const WHOLE = /^\d{1,20}$/;
const DECIMAL = /^(?:\d{1,20}(?:\.\d{0,20})?|\.\d{1,20})$/;

const RULES: Readonly<Record<keyof typeof CAPACITY_LIMITS, Rule>> = {
  CPU: { pattern: DECIMAL, min: 0, max: CAPACITY_LIMITS.CPU, what: 'a number of CPUs from 0 to 1024' },
  MEMORY: { pattern: WHOLE, min: 0, max: CAPACITY_LIMITS.MEMORY, what: 'a whole number of MB from 0 to 4294967296' },
  VCPU: { pattern: WHOLE, min: 1, max: CAPACITY_LIMITS.VCPU, what: 'a whole number from 1 to 1024' },
};

/** The first capacity attribute that breaks its rule, as a 0x1000 error naming it; undefined when all are fine. */
export function checkCapacity(template: Template): DomainError | undefined {
  for (const a of template.attributes) {
    if (!Object.hasOwn(RULES, a.name)) continue;
    const rule = RULES[a.name as keyof typeof RULES];
    const text = isSingle(a) ? a.value.trim() : undefined;
    const n = text !== undefined && rule.pattern.test(text) ? Number(text) : Number.NaN;
    if (!(n >= rule.min && n <= rule.max)) {
      const shown = text === undefined ? 'vector' : JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
      return domainError(ErrorCode.XML_RPC_API, `Invalid ${a.name} ${shown} in VM template: it must be ${rule.what}`);
    }
  }
  return undefined;
}
