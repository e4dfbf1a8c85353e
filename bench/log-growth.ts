/**
 * How fast the event log grows (issue 12):
 *   vm_lifecycle_events / _bytes / _disk_bytes          one VM from one.vm.allocate to DONE (deploy,
 *                                                       RUNNING, shutdown) on a dummy host, no NIC
 *   vm_lifecycle_nic_events / _bytes / _disk_bytes      the same with a NIC leased from a RANGED network
 *   idle_hosts_events_per_day / idle_hosts_log_bytes_per_day
 *                                                       10,000 im_dummy hosts monitored every 10 s,
 *                                                       nothing else happening: measured over a window
 *                                                       after they settled, scaled to 86,400 s
 * _bytes: what the rows hold (data, meta, stream, type, 32-byte hash, 3 integers);
 * _disk_bytes: the growth of the events table and its indexes in one.db (SQLite pages, dbstat).
 *   node --import tsx bench/log-growth.ts [--small]
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { makeLocation, Oned, waitFor } from '../test/helpers/oned-harness.ts';
import { dummyOnedConf } from './lib/dummy-oned-conf.ts';
import { isSmallRun, printReport } from './lib/report.ts';

const small = isSmallRun();
const VMS = small ? 5 : 100;
const HOSTS = small ? 200 : 10_000;
const WINDOW_S = small ? 5 : 120;
const say = (line: string) => process.stderr.write(`${line}\n`);

/** The log's size now: last seq, bytes the rows hold, bytes of the events table and indexes (pages). */
function logSize(file: string): { seq: number; bytes: number; disk: number } {
  const db = new Database(file, { readonly: true });
  try {
    const seq = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM events').pluck().get() as number;
    const bytes = db.prepare(
      "SELECT COALESCE(SUM(length(CAST(data AS BLOB)) + COALESCE(length(CAST(meta AS BLOB)), 0) + length(CAST(stream AS BLOB)) + length(CAST(type AS BLOB)) + 32 + 24), 0) FROM events",
    ).pluck().get() as number;
    const disk = db.prepare("SELECT SUM(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_schema WHERE tbl_name = 'events')").pluck().get() as number;
    return { seq, bytes, disk };
  } finally {
    db.close();
  }
}

/** `VMS` VMs from allocation to DONE, all at once; the log's growth per VM. */
async function lifecycles(one: Oned, file: string, template: string): Promise<{ events: number; bytes: number; disk: number }> {
  const before = logSize(file);
  const vids: number[] = [];
  for (let i = 0; i < VMS; i++) vids.push((await one.ok('one.vm.allocate', template)) as number);
  for (const vid of vids) await one.ok('one.vm.deploy', vid, 0);
  const state = async (vid: number) => String(await one.ok('one.vm.info', vid));
  for (const vid of vids) await waitFor(`VM ${vid} running`, async () => /<LCM_STATE>3<\/LCM_STATE>/.test(await state(vid)), 120_000);
  for (const vid of vids) await one.ok('one.vm.action', 'shutdown', vid);
  for (const vid of vids) await waitFor(`VM ${vid} done`, async () => /<STATE>6<\/STATE>/.test(await state(vid)), 120_000);
  const after = logSize(file);
  return { events: (after.seq - before.seq) / VMS, bytes: Math.round((after.bytes - before.bytes) / VMS), disk: Math.round((after.disk - before.disk) / VMS) };
}

const location = makeLocation(dummyOnedConf(HOSTS, 10));
const file = join(location, 'var', 'one.db');
const one = await Oned.start({ location });
try {
  await one.ok('one.host.allocate', 'n0', 'im_dummy', 'vmm_dummy', 'tm_dummy');
  await one.ok('one.vn.allocate', 'NAME = lan\nTYPE = RANGED\nBRIDGE = br0\nNETWORK_ADDRESS = 10.0.0.0\nNETWORK_SIZE = B\n');
  await waitFor('host monitored', async () => /<STATE>2<\/STATE>/.test(String(await one.ok('one.host.info', 0))), 60_000);
  const plain = await lifecycles(one, file, 'NAME = vm\nCPU = 0.1\nMEMORY = 64\nDISK = [ SOURCE = "/srv/images/ttylinux.img", TARGET = "hda" ]\n');
  say(`VM lifecycle, no NIC: ${plain.events} events, ${plain.bytes} B in rows, ${plain.disk} B on disk`);
  const nic = await lifecycles(one, file, 'NAME = vm\nCPU = 0.1\nMEMORY = 64\nDISK = [ SOURCE = "/srv/images/ttylinux.img", TARGET = "hda" ]\nNIC = [ NETWORK = "lan" ]\n');
  say(`VM lifecycle with a NIC: ${nic.events} events, ${nic.bytes} B in rows, ${nic.disk} B on disk`);

  // Idle hosts: allocate, let every one be monitored (its first monitoring is a state change), then watch.
  const allocated = HOSTS - 1;
  let next = 1;
  const worker = async () => {
    while (next <= allocated) await one.ok('one.host.allocate', `idle-${next++}`, 'im_dummy', 'vmm_dummy', 'tm_dummy');
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const monitored = async () => (String(await one.ok('one.hostpool.info')).match(/<STATE>2<\/STATE>/g) ?? []).length;
  await waitFor('every host monitored', async () => (await monitored()) === HOSTS, 600_000);
  await new Promise((r) => setTimeout(r, 15_000)); // one more interval, so nothing of the settling is counted
  const before = logSize(file);
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  const after = logSize(file);
  const perDay = (n: number) => Math.round((n * 86_400) / WINDOW_S);
  const idleEvents = perDay(after.seq - before.seq);
  const idleBytes = perDay(after.bytes - before.bytes);
  say(`${HOSTS} idle hosts, ${WINDOW_S} s window: ${after.seq - before.seq} events → ${idleEvents} events/day, ${idleBytes} B/day`);
  printReport('log-growth', { vms: VMS, hosts: HOSTS, window_s: WINDOW_S, host_monitoring_interval_s: 10 }, {
    vm_lifecycle_events: plain.events,
    vm_lifecycle_bytes: plain.bytes,
    vm_lifecycle_disk_bytes: plain.disk,
    vm_lifecycle_nic_events: nic.events,
    vm_lifecycle_nic_bytes: nic.bytes,
    vm_lifecycle_nic_disk_bytes: nic.disk,
    idle_hosts_events_per_day: idleEvents,
    idle_hosts_log_bytes_per_day: idleBytes,
  });
} finally {
  await one.stop();
  one.remove();
}
