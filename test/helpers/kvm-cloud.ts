/**
 * A real oned with one_vmm_kvm on real libvirt hosts (QEMU in TCG mode behind sshd, see
 * docs/hypervisor-tests.md), the hosts allocated with im_dummy and tm_dummy. The KVM e2e tests
 * and bench/lifecycle.ts share it (tmMadOf picks real transfer drivers). Needs root and Debian's openssh-server,
 * libvirt-daemon-system, libvirt-clients, qemu-system-x86.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startHypervisorHosts, type HypervisorHosts } from './libvirt-hosts.ts';
import { dummyConf, makeLocation, Oned, waitFor } from './oned-harness.ts';

const execFileP = promisify(execFile);

export const VM_STATE = { ACTIVE: '3', DONE: '6', FAILED: '7' } as const;
export const LCM_STATE = { BOOT: '2', RUNNING: '3', MIGRATE: '4' } as const;

/** The text of the first `<name>` element of a document. */
export const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

export const KVM_VM_MAD = 'VM_MAD = [ name = "vmm_kvm", executable = "one_vmm_kvm", default = "vmm_kvm/vmm_kvm.conf", type = "kvm" ]';

export interface KvmCloudOptions {
  readonly hosts: number;
  /** Hosts on 127.0.0.<firstOctet + i>: pick one no other test uses. */
  readonly firstOctet: number;
  /** oned.conf lines after the vmm_kvm VM_MAD (more VM_MADs…). */
  readonly extraConf?: string;
  /** VM_MAD of host i; default vmm_kvm. */
  readonly vmMadOf?: (i: number) => string;
  /** TM_MAD of host i; default tm_dummy. */
  readonly tmMadOf?: (i: number) => string;
  /** More environment for oned and its drivers (VMM_KVM_* knobs). */
  readonly env?: NodeJS.ProcessEnv;
}

export class KvmCloud {
  private constructor(
    readonly hv: HypervisorHosts,
    public one: Oned,
    readonly location: string,
    /** oned's environment without the per-start extras: ssh settings for the test hosts. */
    readonly sshEnv: NodeJS.ProcessEnv,
    /** Host ids in oned, in the order of hv.hosts. */
    readonly hostIds: number[],
  ) {}

  static async start(options: KvmCloudOptions): Promise<KvmCloud> {
    const hv = await startHypervisorHosts(options.hosts, { firstOctet: options.firstOctet });
    let one: Oned | undefined;
    try {
      const location = makeLocation(dummyConf(0, [KVM_VM_MAD, options.extraConf ?? ''].join('\n')));
      // No /dev/kvm here: the guests are emulated.
      const conf = join(location, 'etc', 'vmm_kvm', 'vmm_kvm.conf');
      writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^DOMAIN_TYPE = kvm$/m, 'DOMAIN_TYPE = qemu'));
      const sshEnv = {
        ONE_SSH_KEY: hv.ssh.keyPath,
        ONE_SSH_KNOWN_HOSTS: hv.ssh.knownHostsPath,
        ONE_SSH_PORT: String(hv.ssh.hosts[0].port),
      };
      one = await Oned.start({ location, env: { ...sshEnv, ...options.env } });
      const hostIds: number[] = [];
      for (const [i, h] of hv.ssh.hosts.entries()) {
        hostIds.push((await one.ok('one.host.allocate', h.address, 'im_dummy', options.vmMadOf?.(i) ?? 'vmm_kvm', options.tmMadOf?.(i) ?? 'tm_dummy')) as number);
      }
      return new KvmCloud(hv, one, location, sshEnv, hostIds);
    } catch (error) {
      await one?.stop();
      one?.remove();
      await hv.stop();
      throw error;
    }
  }

  async info(vid: number): Promise<string> {
    return String(await this.one.ok('one.vm.info', vid));
  }

  /** Waits until the VM is in `state` (and `lcm`, when given); resolves to its XML. */
  reaches(vid: number, state: string, lcm: string | undefined, timeoutMs = 60_000): Promise<string> {
    return waitFor(`VM ${vid} in ${state}/${lcm}`, async () => {
      const xml = await this.info(vid);
      return tag(xml, 'STATE') === state && (lcm === undefined || tag(xml, 'LCM_STATE') === lcm) && xml;
    }, timeoutMs);
  }

  /** Names of every domain host i's libvirtd knows (running or defined), asked from outside. */
  async domains(i: number): Promise<string[]> {
    return (await this.hv.virsh(i, 'list', '--all', '--name')).split('\n').filter(Boolean);
  }

  /** Runs a shell command on host i over SSH, as the driver does; resolves to stdout. */
  async ssh(i: number, command: string): Promise<string> {
    const h = this.hv.ssh.hosts[i];
    const { stdout } = await execFileP('ssh', [
      '-i', h.keyPath, '-o', `UserKnownHostsFile=${h.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes',
      '-o', 'BatchMode=yes', '-p', String(h.port), `${h.user}@${h.address}`, command,
    ], { timeout: 120_000 });
    return stdout;
  }

  vmLog(vid: number): string {
    const path = join(this.location, 'var', String(vid), 'vm.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  /** After a crash: oned again on the same ONE_LOCATION and port, with `env` for this start only. */
  async restart(env: NodeJS.ProcessEnv = {}): Promise<Oned> {
    this.one = await Oned.start({ location: this.location, port: this.one.port, env: { ...this.sshEnv, ...env } });
    return this.one;
  }

  /** Stops oned (SIGTERM, then SIGKILL) and every host process by pid, and removes the temp dirs. */
  async stop(): Promise<void> {
    await this.one.stop();
    await this.hv.stop();
    this.one.remove();
  }
}
