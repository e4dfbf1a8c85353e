import type { HistoryView, VmView } from '../views.ts';
import { templateXml } from './template-xml.ts';
import { leaf, node } from './xml.ts';

function historyXml(h: HistoryView): string {
  return node(
    'HISTORY',
    leaf('SEQ', h.seq) +
      leaf('HOSTNAME', h.hostname) +
      leaf('HID', h.hid) +
      leaf('STIME', h.stime) +
      leaf('ETIME', h.etime) +
      leaf('PSTIME', h.pstime) +
      leaf('PETIME', h.petime) +
      leaf('RSTIME', h.rstime) +
      leaf('RETIME', h.retime) +
      leaf('ESTIME', h.estime) +
      leaf('EETIME', h.eetime) +
      leaf('REASON', h.reason),
  );
}

function vmXml(vm: VmView, form: 'info' | 'pool' | 'pool-extended'): string {
  return node(
    'VM',
    leaf('ID', vm.id) +
      leaf('UID', vm.uid) +
      (form === 'info' ? '' : leaf('USERNAME', vm.username)) +
      leaf('NAME', vm.name) +
      leaf('LAST_POLL', vm.lastPoll) +
      leaf('STATE', vm.state) +
      leaf('LCM_STATE', vm.lcmState) +
      leaf('STIME', vm.stime) +
      leaf('ETIME', vm.etime) +
      leaf('DEPLOY_ID', vm.deployId) +
      leaf('MEMORY', vm.memory) +
      leaf('CPU', vm.cpu) +
      leaf('NET_TX', vm.netTx) +
      leaf('NET_RX', vm.netRx) +
      (form === 'pool' ? '' : templateXml(vm.template)) +
      (vm.history ? historyXml(vm.history) : ''),
  );
}

/** `one.vm.info` (§3.5.1): no USERNAME, with TEMPLATE and the latest HISTORY. */
export const vmDocument = (vm: VmView): string => vmXml(vm, 'info');

/** One `<VM>` of `one.vmpool.info`, plain or `extended`. */
export const vmPoolEntry = (vm: VmView, extended: boolean): string => vmXml(vm, extended ? 'pool-extended' : 'pool');

/**
 * `one.vmpool.info` (§3.5.2): entries with USERNAME and without TEMPLATE;
 * the 2.0 `extended` form adds each VM's TEMPLATE before HISTORY.
 * oned sends it from cached pieces (pool-pieces.ts); this is the same text in one string.
 */
export const vmPoolDocument = (vms: readonly VmView[], extended = false): string =>
  node('VM_POOL', vms.map((vm) => vmPoolEntry(vm, extended)).join(''));
