import { envNumber } from '../abortable-sleep.ts';

export interface KvmSettings {
  /** libvirt URI that virsh uses on the host (`virsh -c`). */
  readonly uri: string;
  /** Live-migration destination URI; `%h` is replaced by the destination host. */
  readonly migrateUri: string;
  /** Extra `virsh migrate` options (VMM_KVM_MIGRATE_OPTIONS), such as --copy-storage-all or --unsafe. */
  readonly migrateOptions: readonly string[];
  /** Where oned writes deployment files: `<varDir>/<vid>/deployment.<seq>`. */
  readonly varDir: string;
  /** Whole time one action (and its ssh connection) may take, except SHUTDOWN. */
  readonly actionTimeoutMs: number;
  /** How long SHUTDOWN waits for the guest to go away after ACPI shutdown. */
  readonly shutdownTimeoutMs: number;
  /** Pause between two checks that a shutting-down domain is gone. */
  readonly shutdownCheckMs: number;
  /** Test-only hold of DEPLOY or MIGRATE, so that a test can kill oned mid-action (VMM_KVM_TEST_PAUSE). */
  readonly testPause?: TestPause;
}

export interface TestPause {
  readonly verb: 'DEPLOY' | 'MIGRATE';
  /** Before the virsh command runs, or after it succeeded and before the reply. */
  readonly when: 'before' | 'after';
  readonly ms: number;
}

/** `VMM_KVM_TEST_PAUSE=<DEPLOY|MIGRATE>:<before|after>:<seconds>`; unset or empty: none. */
export function testPauseFrom(value: string | undefined): TestPause | undefined | { error: string } {
  if (!value) return undefined;
  const m = /^(DEPLOY|MIGRATE):(before|after):(\d{1,5})$/.exec(value);
  if (!m) return { error: `VMM_KVM_TEST_PAUSE must be <DEPLOY|MIGRATE>:<before|after>:<seconds>, got ${JSON.stringify(value)}` };
  return { verb: m[1] as TestPause['verb'], when: m[2] as TestPause['when'], ms: Number(m[3]) * 1000 };
}

export const DEFAULT_URI = 'qemu:///system';

/**
 * VMM_KVM_MIGRATE_OPTIONS: blank-separated `virsh migrate` flags, such as
 * `--copy-storage-all` when the hosts share no storage (tm_ssh) or
 * `--unsafe`. Flags only, no values: each word must look like `--name`.
 */
export function migrateOptionsFrom(value: string | undefined): string[] | { error: string } {
  const words = (value ?? '').split(/[ \t]+/).filter(Boolean);
  const bad = words.find((w) => !/^--[a-z][a-z0-9-]{0,40}$/.test(w));
  if (bad !== undefined) return { error: `VMM_KVM_MIGRATE_OPTIONS takes virsh migrate flags such as --copy-storage-all, got ${JSON.stringify(bad)}` };
  return words;
}

/**
 * `qemu:///system` → `qemu+ssh://%h/system`: the same driver and path on the
 * destination, reached by the source host's libvirt over ssh (1.4 used
 * `qemu+ssh://<dest>/session`). An URI libvirt would not parse is kept as a
 * template with no transport change; virsh then says what is wrong.
 */
export function migrateUriFor(uri: string): string {
  const m = /^([a-z0-9]+)(?:\+[a-z0-9]+)?:\/\/[^/?]*(\/[^?]*)?/i.exec(uri);
  return m ? `${m[1]}+ssh://%h${m[2] ?? '/system'}` : uri;
}

/**
 * From etc/vmm_kvm/vmm_kvmrc (exported by the wrapper) and the driver's
 * ARGUMENTS: `-u <uri>` wins over LIBVIRT_URI, which wins over 1.4's
 * LIBVIRT_DEFAULT_URI; the default is qemu:///system.
 */
export function kvmSettings(env: NodeJS.ProcessEnv, positional: readonly string[]): KvmSettings | { error: string } {
  let argUri: string | undefined;
  for (let i = 0; i < positional.length; i++) {
    if (positional[i] === '-u') {
      argUri = positional[i + 1];
      if (!argUri) return { error: '-u needs a libvirt URI' };
      i += 1;
    } else {
      return { error: `unknown argument ${JSON.stringify(positional[i])} (one_vmm_kvm takes -t <threads> and -u <libvirt uri>)` };
    }
  }
  const uri = argUri || env.LIBVIRT_URI || env.LIBVIRT_DEFAULT_URI || DEFAULT_URI;
  const testPause = testPauseFrom(env.VMM_KVM_TEST_PAUSE);
  if (testPause && 'error' in testPause) return testPause;
  const migrateOptions = migrateOptionsFrom(env.VMM_KVM_MIGRATE_OPTIONS);
  if ('error' in migrateOptions) return migrateOptions;
  return {
    ...(testPause ? { testPause } : {}),
    uri,
    migrateUri: env.VMM_KVM_MIGRATE_URI || migrateUriFor(uri),
    migrateOptions,
    varDir: env.ONE_VAR || process.cwd(), // the wrapper exports ONE_VAR and runs the driver in it
    actionTimeoutMs: envNumber(env, 'VMM_KVM_TIMEOUT_S', 300) * 1000,
    shutdownTimeoutMs: envNumber(env, 'VMM_KVM_SHUTDOWN_TIMEOUT_S', 180) * 1000,
    shutdownCheckMs: envNumber(env, 'VMM_KVM_SHUTDOWN_CHECK_MS', 2000),
  };
}
