import { dirname } from 'node:path';
import { invalidHostNameMessage, isValidHostName } from '../../inputs/host-name.ts';
import { shellCommand, shellQuote } from '../../inputs/shell-words.ts';
import { abortableSleep } from '../abortable-sleep.ts';
import type { ActionContext, ActionOutcome, ActionSpec } from '../driver-base.ts';
import type { SshSettings } from '../ssh/ssh-settings.ts';
import { copyToHostCommand, readDeploymentFile } from '../vmm/deployment-file.ts';
import { errorText, failure, onHost as onHostWith, success, type RemoteRun } from '../vmm/on-host.ts';
import type { KvmSettings } from './kvm-settings.ts';
import { cpuPercent, parseDomstats, pollInfo, type DomainSample } from './poll-info.ts';

/** virsh's words for "no such domain" (dominfo, domstate, domstats, destroy…). */
const NOT_FOUND = /failed to get domain|domain not found|no domain with matching/i;
/** Separates the two domstats samples of a first POLL. */
const SECOND_SAMPLE = '--one-second-sample--';
const MAX_CPU_SAMPLES = 10_000;

/**
 * The verbs of one_vmm_kvm (spec §4.4, after 1.4's one_vmm_kvm.rb): each
 * action opens one ssh connection to the host and runs `virsh -c <uri>`
 * there. Every remote word is single-quoted; host names are checked first.
 */
export function kvmActions(kvm: KvmSettings, ssh: SshSettings): Record<string, ActionSpec> {
  const virsh = (...args: string[]) => shellCommand(['virsh', '-c', kvm.uri, ...args]);
  const cpuSamples = new Map<string, DomainSample>();

  const onHost = (host: string, ctx: ActionContext, timeoutMs: number, body: (run: RemoteRun) => Promise<ActionOutcome>) =>
    onHostWith(host, ssh, ctx, timeoutMs, body);

  /** One virsh command whose exit status is the whole answer. */
  const simple = (host: string, ctx: ActionContext, command: string, onSuccess: () => void = () => undefined) =>
    onHost(host, ctx, kvm.actionTimeoutMs, async (run) => {
      const out = await run(command);
      if (out.code !== 0) return failure(errorText(out));
      onSuccess();
      return success();
    });

  const forget = (host: string, domain: string) => cpuSamples.delete(`${host} ${domain}`);

  /** VMM_KVM_TEST_PAUSE: holds the action (cancellable) so that a test can kill oned in BOOT or MIGRATE. */
  const testPause = async (verb: string, when: 'before' | 'after', ctx: ActionContext) => {
    const p = kvm.testPause;
    if (p?.verb !== verb || p.when !== when) return;
    ctx.log(`VMM_KVM_TEST_PAUSE: holding ${verb} ${when} virsh for ${p.ms / 1000} s`);
    await abortableSleep(p.ms, ctx.signal);
  };

  return {
    DEPLOY: {
      arity: [3, 3],
      async run(id, [host, remoteFile], ctx) {
        // oned wrote <var>/<vid>/deployment.<seq>; it names the copy on the host (§4.4.1).
        const file = await readDeploymentFile(id, remoteFile, kvm.varDir);
        if ('error' in file) return failure(file.error);
        return onHost(host, ctx, kvm.actionTimeoutMs, async (run) => {
          await testPause('DEPLOY', 'before', ctx);
          const out = await run(`${copyToHostCommand(remoteFile)} && ${virsh('create', remoteFile)}`, file.text);
          if (out.code !== 0) return failure(errorText(out));
          await testPause('DEPLOY', 'after', ctx);
          // libvirt 9: "Domain 'one-5' created from …"; older: "Domain one-5 created from …".
          const created = /Domain '?([^'\s]+)'? created/.exec(out.stdout);
          if (!created) ctx.log(`virsh create printed no domain name (${out.stdout.trim().slice(0, 200)}); using one-${id}`);
          return success(created ? created[1] : `one-${id}`);
        });
      },
    },

    SHUTDOWN: {
      arity: [3, 3],
      run: (_id, [host, domain], ctx) =>
        onHost(host, ctx, kvm.shutdownTimeoutMs + kvm.actionTimeoutMs, async (run) => {
          const asked = await run(virsh('shutdown', domain));
          if (asked.code !== 0) return failure(errorText(asked));
          // As 1.4: wait until the domain is gone. A guest that ignores ACPI never goes.
          const deadline = Date.now() + kvm.shutdownTimeoutMs;
          for (;;) {
            const state = await run(virsh('domstate', domain));
            if (state.code !== 0) {
              if (!NOT_FOUND.test(state.stderr)) return failure(errorText(state));
              forget(host, domain);
              return success();
            }
            if (state.stdout.trim() === 'shut off') return success();
            if (Date.now() >= deadline) {
              return failure(`${domain} did not shut down within ${kvm.shutdownTimeoutMs / 1000} s (the guest did not answer ACPI); it is still ${state.stdout.trim()}`);
            }
            await abortableSleep(Math.min(kvm.shutdownCheckMs, Math.max(0, deadline - Date.now())), ctx.signal);
          }
        }),
    },

    CANCEL: {
      arity: [3, 3],
      run: (_id, [host, domain], ctx) => simple(host, ctx, virsh('destroy', domain), () => forget(host, domain)),
    },

    SAVE: {
      arity: [3, 3],
      run: (_id, [host, domain, file], ctx) =>
        simple(host, ctx, `mkdir -p ${shellQuote(dirname(file))} && ${virsh('save', domain, file)}`, () => forget(host, domain)),
    },

    RESTORE: {
      arity: [3, 3],
      // The checkpoint holds the guest's whole memory: once restored it is stale, so it goes.
      run: (_id, [host, , file], ctx) => simple(host, ctx, `${virsh('restore', file)} && { rm -f ${shellQuote(file)} || true; }`),
    },

    MIGRATE: {
      arity: [3, 3],
      run: (_id, [source, domain, dest], ctx) => {
        if (!isValidHostName(dest)) return Promise.resolve(failure(invalidHostNameMessage(dest)));
        const uri = kvm.migrateUri.replaceAll('%h', dest);
        return onHost(source, ctx, kvm.actionTimeoutMs, async (run) => {
          await testPause('MIGRATE', 'before', ctx);
          const out = await run(virsh('migrate', '--live', ...kvm.migrateOptions, domain, uri));
          if (out.code !== 0) return failure(errorText(out));
          forget(source, domain);
          await testPause('MIGRATE', 'after', ctx);
          return success();
        });
      },
    },

    POLL: {
      arity: [3, 3],
      run: (_id, [host, domain], ctx) =>
        onHost(host, ctx, kvm.actionTimeoutMs, async (run) => {
          const key = `${host} ${domain}`;
          const previous = cpuSamples.get(key);
          const sample = `date +%s%N && ${virsh('domstats', '--state', '--cpu-total', '--balloon', '--interface', domain)}`;
          // USEDCPU is the average since the previous poll; the first poll of a domain samples 1 s.
          const second = previous ? '' : ` && sleep 1 && echo ${SECOND_SAMPLE} && date +%s%N && ${virsh('domstats', '--cpu-total', domain)}`;
          const out = await run(sample + second);
          if (out.code !== 0) {
            if (!NOT_FOUND.test(out.stderr)) return failure(errorText(out));
            cpuSamples.delete(key);
            return success('STATE=d');
          }
          const [first, later] = out.stdout.split(`${SECOND_SAMPLE}\n`).map(toSample);
          const latest = later ?? first;
          const usedCpu = cpuPercent(previous ?? first, latest);
          cpuSamples.delete(key);
          cpuSamples.set(key, latest);
          if (cpuSamples.size > MAX_CPU_SAMPLES) cpuSamples.delete(cpuSamples.keys().next().value!);
          return success(pollInfo(first.stats, usedCpu));
        }),
    },
  };
}

/** `date +%s%N` on the first line, domstats after it. */
function toSample(text: string): DomainSample {
  const [stamp, ...rest] = text.split('\n');
  return { wallNs: /^\d+$/.test(stamp.trim()) ? BigInt(stamp.trim()) : undefined, stats: parseDomstats(rest.join('\n')) };
}
