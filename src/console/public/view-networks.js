import { call, child, children, errorText, parseXml } from './api.js';
import { h, message, replaceKeepingFocus, table } from './dom.js';

/** Every network the user may see, with its leases. */
export function networksView() {
  const status = h('p', { role: 'alert', class: 'message' });
  const body = h('div');

  function section(net) {
    const leases = children(net.querySelector(':scope > LEASES') ?? net, 'LEASE');
    const used = leases.filter((l) => child(l, 'USED') === '1');
    const rows = leases.map((l) => {
      const vid = child(l, 'VID');
      return [child(l, 'IP'), child(l, 'MAC'), child(l, 'USED') === '1' ? 'used' : 'free',
        Number(vid) >= 0 && child(l, 'USED') === '1' ? h('a', { href: `#/vms/${vid}` }, `VM ${vid}`) : '-'];
    });
    return h('section', { class: 'net' },
      h('h3', {}, `${child(net, 'ID')}: `, child(net, 'NAME')),
      h('p', {}, `${child(net, 'TYPE') === '0' ? 'Ranged' : 'Fixed'} · bridge `, child(net, 'BRIDGE'),
        ` · ${child(net, 'PUBLIC') === '1' ? 'public' : 'private'} · ${used.length} leases in use`),
      h('div', { class: 'table-wrap' }, table(`Leases of ${child(net, 'NAME')}`, ['IP', 'MAC', 'Lease', 'VM'], rows)));
  }

  async function refresh() {
    try {
      const ids = children(parseXml(await call('one.vnpool.info', -2)), 'VNET').map((n) => Number(child(n, 'ID')));
      const nets = await Promise.all(ids.map(async (id) => parseXml(await call('one.vn.info', id))));
      replaceKeepingFocus(body, nets.length ? nets.map(section) : h('p', {}, 'No virtual networks.'));
    } catch (e) {
      message(status, errorText(e), 'error');
    }
  }

  return {
    title: 'Virtual networks',
    content: [status, body],
    refresh,
    wants: (ev) => ev.stream.startsWith('vnet/') || ev.stream.startsWith('vm/'),
  };
}
