/**
 * Real VMs through oned and one_vmm_kvm on two real libvirt hosts (QEMU in
 * TCG mode behind sshd, test/helpers/kvm-cloud.ts), 32 MB diskless guests,
 * tm_dummy (no disks to move):
 *
 * - `allocate_to_running_s_p50`: from sending `one.vm.allocate` until
 *   `one.vm.info` shows RUNNING, the VM placed by `one.vm.deploy` on the
 *   hosts in turn; one VM after the other, the earlier ones still running.
 * - `live_migration_s`: median of `one.vm.migrate` (live) to RUNNING on the
 *   other host, each VM once.
 * - the driver overhead: right after each step through oned, the same
 *   `virsh create` (or `virsh migrate --live`) of oned's own deployment file
 *   under another name, timed on the host around virsh alone and then
 *   destroyed, so that as many guests run (`virsh_create_s_p50`,
 *   `virsh_migrate_s_p50`); `driver_overhead_deploy_s` and
 *   `driver_overhead_migrate_s` are the medians through oned minus these
 *   (oned's transitions, the driver process and its ssh connection).
 *   `deploy_to_running_s_p50` leaves the allocate call out.
 *
 *   node --import tsx bench/lifecycle.ts [--small] [--vms N]
 *
 * Default N is 6 (--small: 1). Needs what the KVM tests need (root,
 * libvirtd, qemu-system-x86, sshd). Progress goes to stderr; the last stdout
 * line is the JSON report.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KvmCloud, LCM_STATE, tag, VM_STATE } from '../test/helpers/kvm-cloud.ts';
import { waitFor } from '../test/helpers/oned-harness.ts';
import { isSmallRun, percentile, printReport } from './lib/report.ts';

const say = (line: string) => process.stderr.write(`[lifecycle bench] ${line}\n`);
const seconds = (ms: number) => Math.round(ms / 10) / 100;
const median = (values: readonly number[]) => seconds(percentile(values, 50));

const small = isSmallRun();
const vmsArg = process.argv.indexOf('--vms');
const N = vmsArg > 0 ? Number(process.argv[vmsArg + 1]) : small ? 1 : 6;
if (!Number.isInteger(N) || N < 1 || N > 50) throw new Error(`--vms must be a whole number from 1 to 50, got ${process.argv[vmsArg + 1]}`);

/** Polls one.vm.info every 50 ms until the VM runs on `host` (its address); resolves at that moment. */
async function runningOn(cloud: KvmCloud, vid: number, host: string): Promise<number> {
  await waitFor(`VM ${vid} RUNNING on ${host}`, async () => {
    const xml = await cloud.info(vid);
    if (tag(xml, 'STATE') !== VM_STATE.ACTIVE && tag(xml, 'STATE') !== '1') throw new Error(`VM ${vid} left the lifecycle:\n${cloud.vmLog(vid)}`);
    return tag(xml, 'LCM_STATE') === LCM_STATE.RUNNING && tag(xml, 'HOSTNAME') === host;
  }, 180_000);
  return performance.now();
}

/** `date +%s%N` around one command on the host: nanoseconds inside the host, ssh excluded. */
async function timedOnHost(cloud: KvmCloud, i: number, command: string): Promise<number> {
  const out = await cloud.ssh(i, `s=$(date +%s%N) && ${command} >/dev/null && e=$(date +%s%N) && echo $((e - s))`);
  return Number(out.trim()) / 1e6;
}

const cloud = await KvmCloud.start({ hosts: 2, firstOctet: 56 });
try {
  const address = cloud.hv.ssh.hosts.map((h) => h.address);
  const uri = 'qemu:///system';
  // The same work without oned, right after each step through oned so that as many guests run:
  // oned's own deployment file under another name, virsh timed on the host, then destroyed.
  let xml = '';
  const direct = (i: number) => {
    const name = `bench-direct-${i}`;
    const file = join(cloud.location, `${name}.xml`); // hosts share the front-end's file system (docs/hypervisor-tests.md)
    writeFileSync(file, xml.replace(/<name>[^<]*<\/name>/, `<name>${name}</name>`));
    return { name, create: `virsh -c ${uri} create ${file}` };
  };

  const allocateToRunning: number[] = [];
  const deployToRunning: number[] = [];
  const creates: number[] = [];
  const sshCreates: number[] = [];
  const vids: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const vid = (await cloud.one.ok('one.vm.allocate', `NAME = bench-${i}\nMEMORY = 32\nCPU = 0.1`)) as number;
    const t1 = performance.now();
    await cloud.one.ok('one.vm.deploy', vid, cloud.hostIds[i % 2]);
    const t2 = await runningOn(cloud, vid, address[i % 2]);
    allocateToRunning.push(t2 - t0);
    deployToRunning.push(t2 - t1);
    vids.push(vid);
    xml ||= readFileSync(join(cloud.location, 'var', String(vid), 'deployment.0'), 'utf8');
    const d = direct(i);
    const t3 = performance.now();
    creates.push(await timedOnHost(cloud, i % 2, d.create));
    sshCreates.push(performance.now() - t3);
    await cloud.ssh(i % 2, `virsh -c ${uri} destroy ${d.name}`);
    say(`VM ${vid} allocate -> RUNNING on ${address[i % 2]}: ${seconds(t2 - t0)} s; virsh create alone ${seconds(creates.at(-1)!)} s (${seconds(sshCreates.at(-1)!)} s with ssh)`);
  }

  const migrations: number[] = [];
  const virshMigrations: number[] = [];
  for (const [i, vid] of vids.entries()) {
    const [from, to] = [i % 2, (i + 1) % 2];
    const t0 = performance.now();
    await cloud.one.ok('one.vm.migrate', vid, cloud.hostIds[to], true);
    migrations.push((await runningOn(cloud, vid, address[to])) - t0);
    const d = direct(i);
    await cloud.ssh(from, d.create);
    virshMigrations.push(await timedOnHost(cloud, from, `virsh -c ${uri} migrate --live ${d.name} qemu+ssh://${address[to]}/system`));
    await cloud.ssh(to, `virsh -c ${uri} destroy ${d.name}`);
    say(`VM ${vid} live migration -> ${address[to]}: ${seconds(migrations.at(-1)!)} s; virsh migrate alone ${seconds(virshMigrations.at(-1)!)} s`);
  }

  const figures = {
    allocate_to_running_s_p50: median(allocateToRunning),
    allocate_to_running_s_max: seconds(Math.max(...allocateToRunning)),
    deploy_to_running_s_p50: median(deployToRunning),
    live_migration_s: median(migrations),
    virsh_create_s_p50: median(creates),
    ssh_virsh_create_s_p50: median(sshCreates),
    virsh_migrate_s_p50: median(virshMigrations),
    driver_overhead_deploy_s: seconds(percentile(deployToRunning, 50) - percentile(creates, 50)),
    driver_overhead_migrate_s: seconds(percentile(migrations, 50) - percentile(virshMigrations, 50)),
  };
  printReport('lifecycle', { vms: N, hosts: 2, guest: '32 MB, 1 vcpu, no disk, TCG', tm: 'tm_dummy', deploy: 'one.vm.deploy' }, figures);
} finally {
  await cloud.stop();
}
