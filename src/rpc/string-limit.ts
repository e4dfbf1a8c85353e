import type { XmlRpcValue } from './xmlrpc/value.ts';

/** VM_TEMPLATE_MAX_SIZE's default: 1 MiB. */
export const DEFAULT_MAX_STRING_BYTES = 1024 * 1024;

/**
 * The size limit on string parameters. It exists for VM templates (the
 * largest thing a call carries, parsed and then stored in the log for good),
 * and holds for every string parameter, since none has a reason to be larger.
 * Returns the message for the first string over the limit, or undefined.
 */
export function oversizedString(method: string, params: readonly XmlRpcValue[], maxBytes: number): string | undefined {
  for (const [i, p] of params.entries()) {
    // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings need no count.
    if (typeof p !== 'string' || p.length * 3 <= maxBytes) continue;
    const bytes = Buffer.byteLength(p, 'utf8');
    if (bytes > maxBytes) return `Parameter ${i + 1} of ${method} is ${bytes} bytes, larger than VM_TEMPLATE_MAX_SIZE (${maxBytes} bytes)`;
  }
  return undefined;
}
