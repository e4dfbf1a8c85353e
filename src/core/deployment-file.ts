import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { MadConfig } from '../config/oned-config.ts';
import { parseVmmDefaults, type VmmDefaults } from '../config/vmm-defaults.ts';
import { ONEADMIN_UID } from '../machines/user/user-decider.ts';
import { err, ok, type Result } from '../template/result.ts';
import type { Template } from '../template/template.ts';
import { kvmDomainXml } from './deployment/kvm-domain-xml.ts';
import { xenConfig } from './deployment/xen-config.ts';

export interface DeploymentRequest {
  readonly vid: number;
  /** The VM's owner: RAW sections pass only for oneadmin's VMs. */
  readonly uid: number;
  readonly template: Template;
  /** VM_DIR on the host, from the history record. */
  readonly vmDir: string;
  /** The VM_MAD entry the VM runs with; its TYPE chooses the format. */
  readonly mad: MadConfig | undefined;
  /** Where a relative DEFAULT file is looked up (oned's etc/). */
  readonly etcDir: string;
}

export interface DeploymentText {
  readonly text: string;
  readonly warnings: readonly string[];
}

/**
 * The deployment file oned writes before DEPLOY (spec §4.4.1): libvirt XML
 * for a `kvm` VM_MAD (domain type from DOMAIN_TYPE of its DEFAULT file),
 * the xm/xl config for `xen`, and the template as JSON for any other type
 * (the dummy driver). An error is the VM log line that fails the deploy.
 * The DEFAULT file is read on every deploy, so an edit needs no restart.
 */
export function deploymentFile(req: DeploymentRequest): Result<DeploymentText, string> {
  const type = req.mad?.type?.toLowerCase();
  if (type !== 'kvm' && type !== 'xen') return ok({ text: JSON.stringify(req.template), warnings: [] });
  const defaults = readDefaults(req.mad?.default, req.etcDir);
  if (!defaults.ok) return defaults;
  const input = { vid: req.vid, template: req.template, vmDir: req.vmDir, defaults: defaults.value?.defaults, rawAllowed: req.uid === ONEADMIN_UID };
  try {
    const made = type === 'kvm' ? kvmDomainXml(input, { domainType: defaults.value?.domainType }) : xenConfig(input);
    return made.ok ? made : err(made.error.message);
  } catch (e) {
    // A generator bug must fail this deploy, not oned.
    return err(`Could not generate the deployment file: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readDefaults(file: string | undefined, etcDir: string): Result<VmmDefaults | undefined, string> {
  if (!file) return ok(undefined);
  const path = isAbsolute(file) ? file : join(etcDir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return err(`Cannot read the driver defaults ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = parseVmmDefaults(text, path);
  return parsed.ok ? parsed : err(`${parsed.error.file}:${parsed.error.line}: ${parsed.error.message}`);
}
