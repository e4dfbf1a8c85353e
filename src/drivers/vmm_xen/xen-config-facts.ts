/** What the driver needs from a Xen deployment file (the xm/xl config oned wrote). */
export interface XenConfigFacts {
  /** `name = '…'`: the domain name, reported as the VM's DEPLOY_ID. */
  readonly name: string;
  /** `#O CPU_CREDITS = n`: the credit-scheduler weight, when oned wrote one. */
  readonly credits: number | undefined;
}

/** Domain names the driver puts on a command line: plain, and never an option. */
export const DOMAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:+-]{0,127}$/;

/**
 * Reads the name and the credits (spec §4.4.1). A file without a plain
 * `name` is not a Xen config from oned (a VM_MAD whose TYPE is not xen
 * writes another format), which is said plainly instead of letting xl guess.
 */
export function xenConfigFacts(text: string): XenConfigFacts | { error: string } {
  const name = /^name\s*=\s*(['"])([^'"\n]*)\1\s*$/m.exec(text)?.[2];
  if (name === undefined) return { error: "no name = '…' line: not a Xen config (is the VM_MAD's type xen?)" };
  if (!DOMAIN_NAME.test(name)) return { error: `domain name ${JSON.stringify(name)} is not a plain name` };
  const credits = /^#O CPU_CREDITS\s*=\s*(\d{1,9})\s*$/m.exec(text)?.[1];
  return { name, credits: credits === undefined ? undefined : Number(credits) };
}
