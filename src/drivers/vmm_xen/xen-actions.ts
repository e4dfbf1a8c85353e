import { dirname } from 'node:path';
import { invalidHostNameMessage, isValidHostName } from '../../inputs/host-name.ts';
import { shellCommand, shellQuote } from '../../inputs/shell-words.ts';
import { abortableSleep } from '../abortable-sleep.ts';
import type { ActionContext, ActionOutcome, ActionSpec } from '../driver-base.ts';
import type { SshSettings } from '../ssh/ssh-settings.ts';
import { copyToHostCommand, readDeploymentFile } from '../vmm/deployment-file.ts';
import { errorText, failure, onHost, success } from '../vmm/on-host.ts';
import { pollLine } from '../vmm/poll-line.ts';
import { DOMAIN_NAME, xenConfigFacts } from './xen-config-facts.ts';
import type { XenSettings } from './xen-settings.ts';
import { xentopFigures } from './xentop.ts';

/** What xl and xm say about a domain that does not exist. */
const NOT_FOUND = /invalid domain identifier|does not exist|domain not found/i;
/** Absolute paths only: a relative one could start with `-` and be read as an option. */
const ABSOLUTE = /^\/[^\0-\x1f\x7f]*$/;

/**
 * The verbs of one_vmm_xen (spec §4.4, after 1.4's one_vmm_xen.rb), with
 * `xl` (or `xm`) and `xentop` run on the host over one ssh connection per
 * action. Every remote word is single-quoted; host names, domain names and
 * paths are checked before anything runs.
 */
export function xenActions(xen: XenSettings, ssh: SshSettings): Record<string, ActionSpec> {
  const xl = (...args: string[]) => shellCommand([xen.command, ...args]);
  const on = (host: string, ctx: ActionContext, body: Parameters<typeof onHost>[4], extraMs = 0) =>
    onHost(host, ssh, ctx, xen.actionTimeoutMs + extraMs, body);

  /** One xl command whose exit status is the whole answer. */
  const simple = (host: string, ctx: ActionContext, command: string) =>
    on(host, ctx, async (run) => {
      const out = await run(command);
      return out.code === 0 ? success() : failure(errorText(out));
    });

  /** Checks the words that reach xl as arguments; undefined when they are fine. */
  const badWords = (domain?: string, file?: string, dest?: string): ActionOutcome | undefined => {
    if (domain !== undefined && !DOMAIN_NAME.test(domain)) return failure(`Bad domain name ${JSON.stringify(domain)}`);
    if (file !== undefined && !ABSOLUTE.test(file)) return failure(`Bad file ${JSON.stringify(file)}: expected an absolute path`);
    if (dest !== undefined && !isValidHostName(dest)) return failure(invalidHostNameMessage(dest));
    return undefined;
  };

  return {
    DEPLOY: {
      arity: [3, 3],
      async run(id, [host, remoteFile], ctx) {
        const file = await readDeploymentFile(id, remoteFile, xen.varDir);
        if ('error' in file) return failure(file.error);
        const facts = xenConfigFacts(file.text);
        if ('error' in facts) return failure(`Deployment file ${file.local}: ${facts.error}`);
        return on(host, ctx, async (run) => {
          const created = await run(`${copyToHostCommand(remoteFile)} && ${xl('create', remoteFile)}`, file.text);
          if (created.code !== 0) return failure(errorText(created));
          if (facts.credits !== undefined) {
            // The domain runs already; a weight the scheduler refuses (another
            // scheduler than credit, say) is worth a log line, not a failed deploy.
            const weighted = await run(xl('sched-credit', '-d', facts.name, '-w', String(facts.credits)));
            if (weighted.code !== 0) ctx.log(`Could not set the credit weight of ${facts.name} to ${facts.credits}: ${errorText(weighted)}`);
          }
          return success(facts.name);
        });
      },
    },

    SHUTDOWN: {
      arity: [3, 3],
      run: async (_id, [host, domain], ctx) =>
        badWords(domain) ??
        on(host, ctx, async (run) => {
          const asked = await run(xl('shutdown', domain));
          if (asked.code !== 0) return failure(errorText(asked));
          // As 1.4: wait until the domain is gone, or shut down (`s`) but not yet reaped, then destroy it.
          const deadline = Date.now() + xen.shutdownTimeoutMs;
          for (;;) {
            const listed = await run(xl('list', domain));
            if (listed.code !== 0) return NOT_FOUND.test(listed.stderr) ? success() : failure(errorText(listed));
            const flags = listFlags(listed.stdout, domain);
            if (flags?.includes('s')) {
              const destroyed = await run(xl('destroy', domain));
              return destroyed.code === 0 || NOT_FOUND.test(destroyed.stderr) ? success() : failure(errorText(destroyed));
            }
            if (Date.now() >= deadline) {
              return failure(`${domain} did not shut down within ${xen.shutdownTimeoutMs / 1000} s (the guest did not act on the request); it is still ${flags ?? 'listed'}`);
            }
            await abortableSleep(Math.min(xen.shutdownCheckMs, Math.max(0, deadline - Date.now())), ctx.signal);
          }
        }, xen.shutdownTimeoutMs),
    },

    CANCEL: {
      arity: [3, 3],
      run: async (_id, [host, domain], ctx) => badWords(domain) ?? simple(host, ctx, xl('destroy', domain)),
    },

    SAVE: {
      arity: [3, 3],
      run: async (_id, [host, domain, file], ctx) =>
        badWords(domain, file) ?? simple(host, ctx, `mkdir -p ${shellQuote(dirname(file))} && ${xl('save', domain, file)}`),
    },

    RESTORE: {
      arity: [3, 3],
      run: async (_id, [host, , file], ctx) => badWords(undefined, file) ?? simple(host, ctx, xl('restore', file)),
    },

    MIGRATE: {
      arity: [3, 3],
      // xl migrate is always live; xm needs -l for it.
      run: async (_id, [source, domain, dest], ctx) =>
        badWords(domain, undefined, dest) ??
        simple(source, ctx, xen.flavour === 'xm' ? xl('migrate', '-l', domain, dest) : xl('migrate', domain, dest)),
    },

    POLL: {
      arity: [3, 3],
      run: async (_id, [host, domain], ctx) =>
        badWords(domain) ??
        on(host, ctx, async (run) => {
          const out = await run(shellCommand([xen.xentop, '-b', '-i', '2', '-d', String(xen.xentopDelayS)]));
          if (out.code !== 0) return failure(errorText(out));
          return success(pollLine(xentopFigures(out.stdout, domain)));
        }, xen.xentopDelayS * 1000),
    },
  };
}

/** The State column of `xl list <domain>` (Name ID Mem VCPUs State Time(s)). */
function listFlags(stdout: string, domain: string): string | undefined {
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === domain && f.length >= 5) return f[4];
  }
  return undefined;
}
