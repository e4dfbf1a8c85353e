import { err, ok, type Result } from '../../template/result.ts';
import type { Template } from '../../template/template.ts';

/**
 * What both deployment-file generators (spec §4.4.1: oned writes the file,
 * the driver only copies it to the host) take and give back. They are pure:
 * no I/O, no clock; the caller reads the driver defaults file and writes the
 * result to `$VAR/<vid>/deployment.<seq>`.
 */
export interface DeploymentInput {
  readonly vid: number;
  readonly template: Template;
  /** VM_DIR on the host (from the history record): disks are `<vmDir>/<vid>/images/disk.<i>`. */
  readonly vmDir: string;
  /** The VM_MAD DEFAULT file (etc/vmm_kvm/vmm_kvm.conf…), parsed: values a template leaves out. */
  readonly defaults?: Template;
  /**
   * RAW sections reach the hypervisor unchecked in meaning (a qemu command
   * line, a Xen bootloader run as root), so only the caller may allow them:
   * oned passes true for VMs owned by oneadmin. Default false, and then a
   * RAW for this hypervisor is refused, never silently dropped.
   */
  readonly rawAllowed?: boolean;
}

export interface DeploymentFile {
  readonly text: string;
  /** Things skipped, as 1.4 logged them to the VM log at WARNING. */
  readonly warnings: readonly string[];
}

export type DeploymentErrorCode = 'no_memory' | 'no_boot' | 'disk_target' | 'bad_value' | 'raw_refused' | 'bad_raw';

/** Why no file could be written; `message` is the VM log line (1.4's wording where it had one). */
export interface DeploymentError {
  readonly code: DeploymentErrorCode;
  readonly message: string;
}

export type DeploymentResult = Result<DeploymentFile, DeploymentError>;

/** Thrown inside a generator and caught by `generate`, so the section writers read straight down. */
export class Refusal {
  constructor(readonly error: DeploymentError) {}
}

export const refuse = (code: DeploymentErrorCode, message: string): never => {
  throw new Refusal({ code, message });
};

/** Runs a generator body; a Refusal becomes the error result, anything else is a bug and propagates. */
export function generate(body: (warn: (text: string) => void) => string): DeploymentResult {
  const warnings: string[] = [];
  try {
    const text = body((w) => warnings.push(w));
    return ok({ text, warnings });
  } catch (e) {
    if (e instanceof Refusal) return err(e.error);
    throw e;
  }
}

/** 1.4's messages (LibVirtDriver.cc / XenDriver.cc), kept word for word. */
export const MESSAGES = {
  noMemory: 'No MEMORY defined and no default provided.',
  noBootDevice: 'No BOOT device defined and no default provided.',
  noKernel: 'No kernel or bootloader defined and no default provided.',
  diskTarget: 'Wrong target value in DISK.',
  contextTarget: 'Could not find target device to attach context, will continue without it.',
  graphicsType: 'Not supported graphics type, ignored.',
  xenInput: 'Not supported input, only usb tablet, ignored.',
} as const;
