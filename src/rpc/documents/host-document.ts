import type { HostView } from '../views.ts';
import { templateXml } from './template-xml.ts';
import { leaf, node } from './xml.ts';

function hostShareXml(h: HostView): string {
  const s = h.share;
  return node(
    'HOST_SHARE',
    leaf('HID', h.id) +
      leaf('DISK_USAGE', s.diskUsage) +
      leaf('MEM_USAGE', s.memUsage) +
      leaf('CPU_USAGE', s.cpuUsage) +
      leaf('MAX_DISK', s.maxDisk) +
      leaf('MAX_MEM', s.maxMem) +
      leaf('MAX_CPU', s.maxCpu) +
      leaf('FREE_DISK', s.freeDisk) +
      leaf('FREE_MEM', s.freeMem) +
      leaf('FREE_CPU', s.freeCpu) +
      leaf('USED_DISK', s.usedDisk) +
      leaf('USED_MEM', s.usedMem) +
      leaf('USED_CPU', s.usedCpu) +
      leaf('RUNNING_VMS', s.runningVms),
  );
}

/** `one.host.info` (§3.5.3). */
export function hostDocument(h: HostView): string {
  return node(
    'HOST',
    leaf('ID', h.id) +
      leaf('NAME', h.name) +
      leaf('STATE', h.state) +
      leaf('IM_MAD', h.imMad) +
      leaf('VM_MAD', h.vmMad) +
      leaf('TM_MAD', h.tmMad) +
      leaf('LAST_MON_TIME', h.lastMonTime) +
      hostShareXml(h) +
      templateXml(h.template),
  );
}

/**
 * `one.hostpool.info`. Deviation from 1.4 (which left TEMPLATE out of pool
 * entries): entries carry TEMPLATE as in 2.0, because the scheduler reads
 * monitoring attributes from the pool (§6.7). It comes last, so 1.4 readers
 * that walk the known elements are unaffected.
 */
export const hostPoolDocument = (hosts: readonly HostView[]): string =>
  node('HOST_POOL', hosts.map(hostDocument).join(''));
