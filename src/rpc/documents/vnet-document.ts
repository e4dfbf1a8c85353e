import type { LeaseView, VnetView } from '../views.ts';
import { templateXml } from './template-xml.ts';
import { leaf, node } from './xml.ts';

const leaseXml = (l: LeaseView): string =>
  node('LEASE', leaf('IP', l.ip) + leaf('MAC', l.mac) + leaf('USED', l.used ? 1 : 0) + leaf('VID', l.vid));

/**
 * `one.vn.info` (§3.5.4), plus the 2.0 PUBLIC element (0/1) after BRIDGE
 * since one.vn.publish exists here.
 */
export function vnetDocument(n: VnetView): string {
  return node(
    'VNET',
    leaf('ID', n.id) +
      leaf('UID', n.uid) +
      leaf('NAME', n.name) +
      leaf('TYPE', n.type) +
      leaf('BRIDGE', n.bridge) +
      leaf('PUBLIC', n.public ? 1 : 0) +
      templateXml(n.template) +
      node('LEASES', n.leases.map(leaseXml).join('')),
  );
}

/** `one.vnpool.info`: TOTAL_LEASES counts the leases in use. */
export function vnetPoolDocument(nets: readonly VnetView[]): string {
  const entry = (n: VnetView): string =>
    node(
      'VNET',
      leaf('ID', n.id) +
        leaf('UID', n.uid) +
        leaf('USERNAME', n.username) +
        leaf('NAME', n.name) +
        leaf('TYPE', n.type) +
        leaf('BRIDGE', n.bridge) +
        leaf('PUBLIC', n.public ? 1 : 0) +
        leaf('TOTAL_LEASES', n.leases.filter((l) => l.used).length),
    );
  return node('VNET_POOL', nets.map(entry).join(''));
}
