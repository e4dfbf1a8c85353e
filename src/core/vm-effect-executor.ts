import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getVectors } from '../template/template-lookup.ts';
import type { Template } from '../template/template.ts';
import type { DriverGateway, DriverReply, Logger } from '../actors/ports.ts';
import type { VmEffect } from '../machines/vm/vm-types.ts';
import type { MadConfig } from '../config/oned-config.ts';
import { deploymentFile } from './deployment-file.ts';
import { contextScript } from './context-script.ts';
import { frontEndFileProblem } from './front-end-files.ts';
import { TRANSFER_SUFFIX, transferScript } from './transfer-script.ts';

/** The driver requests of the VM machine (spec §2.3–2.5); state changes are logged elsewhere. */
export type VmDriverEffect = Exclude<VmEffect, { kind: 'state_changed' }>;

/** A driver's answer, turned into the command the VM actor understands. */
export interface VmDriverOutcome {
  driver: 'vmm' | 'tm';
  verb: string;
  reply: DriverReply;
}

export interface VmEffectContext {
  readonly drivers: DriverGateway;
  readonly logger: Logger;
  /** oned's var dir, where deployment files and transfer scripts are written. */
  readonly varDir: string;
  /** gethostname() of the front-end, used in transfer scripts. */
  readonly frontend: string;
  /** oned's etc dir and VM_MAD entries: a VM_MAD's TYPE and DEFAULT choose the deployment file. */
  readonly etcDir: string;
  readonly vmMads: readonly MadConfig[];
  /** SAFE_DIRS of oned.conf: checked again at PROLOG (front-end-files.ts). */
  readonly safeDirs: readonly string[];
  /** Replies that must go back to the VM actor (not sent for fire-and-forget cleanup). */
  readonly onReply: (vid: number, outcome: VmDriverOutcome) => void;
}

/** Cleanup requests whose replies 1.4 ignores (the VM is already DONE or DELETE). */
const IGNORED_REPLIES = new Set(['EPILOG_DELETE', 'EPILOG_DELETE_PREVIOUS', 'CANCEL_PREVIOUS']);

/**
 * Runs the driver side of a committed VM transition: writes the file the
 * driver needs (transfer script, deployment file), sends the request, and
 * routes the reply back. Runs only after commit (the actor system calls it).
 */
export function runVmEffect(effect: VmDriverEffect, template: Template, ctx: VmEffectContext, owner: number): void {
  const vmDirOnFrontend = join(ctx.varDir, String(effect.vid));
  switch (effect.kind) {
    case 'driver_cancel':
      ctx.drivers.notify(effect.mad, 'DRIVER_CANCEL', [String(effect.vid)]);
      return;
    case 'tm': {
      const context = effect.action === 'PROLOG' ? prepareProlog(effect.vid, template, owner, vmDirOnFrontend, ctx) : undefined;
      if (context && 'failed' in context) {
        ctx.logger.vmLog(effect.vid, 'TM', 'E', context.failed);
        ctx.onReply(effect.vid, { driver: 'tm', verb: 'TRANSFER', reply: { verb: 'TRANSFER', success: false, id: effect.vid, info: context.failed } });
        return;
      }
      const script = transferScript({
        action: effect.action,
        vid: effect.vid,
        hostname: effect.hostname,
        prevHostname: effect.prevHostname,
        vmDir: effect.vmDir,
        varDir: ctx.varDir,
        frontend: ctx.frontend,
        disks: getVectors(template, 'DISK').map((disk) => Object.fromEntries(disk.pairs)),
        context,
      });
      const report = (reply: DriverReply) => {
        if (!IGNORED_REPLIES.has(effect.action)) ctx.onReply(effect.vid, { driver: 'tm', verb: 'TRANSFER', reply });
      };
      if (!script.ok) {
        ctx.logger.vmLog(effect.vid, 'TM', 'E', script.message);
        report({ verb: 'TRANSFER', success: false, id: effect.vid, info: script.message });
        return;
      }
      for (const w of script.warnings) ctx.logger.vmLog(effect.vid, 'TM', 'W', w);
      const path = join(vmDirOnFrontend, `transfer.${effect.seq}.${TRANSFER_SUFFIX[effect.action]}`);
      const notWritten = writeFrontendFile(path, script.text);
      if (notWritten) {
        // As 1.4 (TransferManager: error_file), a script that cannot be written is the transfer's FAILURE.
        ctx.logger.vmLog(effect.vid, 'TM', 'E', notWritten);
        report({ verb: 'TRANSFER', success: false, id: effect.vid, info: notWritten });
        return;
      }
      void ctx.drivers.request(effect.tmMad, 'TRANSFER', effect.vid, [path]).then(report);
      return;
    }
    case 'vmm': {
      const { vid, hostname, deployId } = effect;
      const id = deployId || '-';
      const images = `${effect.vmDir}/${vid}/images`;
      let verb: string = effect.action;
      let args: string[];
      switch (effect.action) {
        case 'DEPLOY': {
          // The driver streams this file to the host itself (§4.4.1).
          const file = deploymentFile({ vid, uid: owner, template, vmDir: effect.vmDir, mad: ctx.vmMads.find((m) => m.name === effect.vmMad), etcDir: ctx.etcDir });
          if (file.ok) for (const w of file.value.warnings) ctx.logger.vmLog(vid, 'VMM', 'W', w);
          const notWritten = file.ok ? writeFrontendFile(join(vmDirOnFrontend, `deployment.${effect.seq}`), file.value.text) : file.error;
          if (notWritten) {
            // As 1.4 (VirtualMachineManager: error_file), a deployment file that cannot be generated or written fails the deploy.
            ctx.logger.vmLog(vid, 'VMM', 'E', notWritten);
            ctx.onReply(vid, { driver: 'vmm', verb, reply: { verb, success: false, id: vid, info: notWritten } });
            return;
          }
          args = [hostname, `${images}/deployment.${effect.seq}`, '-'];
          break;
        }
        case 'SHUTDOWN':
        case 'CANCEL':
        case 'POLL':
          args = [hostname, id, '-'];
          break;
        case 'CANCEL_PREVIOUS':
          verb = 'CANCEL';
          args = [effect.prevHostname ?? hostname, id, '-'];
          break;
        case 'SAVE':
          args = [effect.prevHostname ?? hostname, id, `${images}/checkpoint`];
          break;
        case 'RESTORE':
          args = [hostname, id, `${images}/checkpoint`];
          break;
        case 'MIGRATE':
          args = [effect.prevHostname ?? hostname, id, hostname];
          break;
      }
      void ctx.drivers.request(effect.vmMad, verb, vid, args).then((reply) => {
        if (!IGNORED_REPLIES.has(effect.action)) ctx.onReply(vid, { driver: 'vmm', verb, reply });
      });
      return;
    }
  }
}

/**
 * PROLOG: the front-end files are checked against SAFE_DIRS again (allocation
 * did it too, but a resubmitted VM may predate the rule or a narrower
 * SAFE_DIRS, and a link in a safe folder may have been replaced since), then
 * context.sh is written.
 */
function prepareProlog(
  vid: number, template: Template, owner: number, vmDirOnFrontend: string, ctx: VmEffectContext,
): ReturnType<typeof writeContextScript> {
  const unsafe = frontEndFileProblem(template, owner, ctx.safeDirs);
  return unsafe ? { failed: unsafe } : writeContextScript(vid, template, vmDirOnFrontend, ctx);
}

/**
 * PROLOG of a VM with a CONTEXT: writes `$VAR/<vid>/context.sh` (spec §9.3)
 * and returns what the CONTEXT line of the transfer script needs.
 */
function writeContextScript(
  vid: number, template: Template, vmDirOnFrontend: string, ctx: VmEffectContext,
): { script: string; files: string[] } | { failed: string } | undefined {
  const vector = getVectors(template, 'CONTEXT')[0];
  if (!vector) return undefined;
  const made = contextScript(vector.pairs);
  if (!made.ok) return { failed: made.message };
  for (const w of made.warnings) ctx.logger.vmLog(vid, 'TM', 'W', w);
  const script = join(vmDirOnFrontend, 'context.sh');
  const notWritten = writeFrontendFile(script, made.text);
  return notWritten ? { failed: notWritten } : { script, files: made.files };
}

/** Writes a file a driver needs; returns why it could not (a full disk), or undefined. */
function writeFrontendFile(path: string, text: string): string | undefined {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return undefined;
  } catch (error) {
    return `Could not write ${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
