import { call, child, children, errorText, parseXml } from './api.js';
import { h, megabytes, message, replaceKeepingFocus, table } from './dom.js';
import { vmStateLabel } from './names.js';

// Kept across visits and live updates, so a refresh keeps what the user chose.
const filters = { state: -1, user: -2 };
const knownUsers = new Map(); // uid -> name, from the VMs seen so far

function row(vm) {
  const id = child(vm, 'ID');
  const ips = [...vm.querySelectorAll(':scope > TEMPLATE > NIC > IP')].map((ip) => ip.textContent).join(', ');
  return [
    id,
    h('a', { href: `#/vms/${id}`, 'data-key': `vm-${id}` }, child(vm, 'NAME')),
    child(vm, 'USERNAME'),
    h('span', { class: 'state' }, vmStateLabel(Number(child(vm, 'STATE')), Number(child(vm, 'LCM_STATE')))),
    child(vm, 'HISTORY/HOSTNAME') || '-',
    `${child(vm, 'CPU')} %`,
    megabytes(Number(child(vm, 'MEMORY'))),
    ips || '-',
  ];
}

function select(label, id, value, options, onchange) {
  return h('label', { for: id }, label,
    h('select', { id, 'data-key': id, onchange },
      options.map(([v, text]) => h('option', { value: v, selected: Number(v) === value }, text))));
}

/** The VM list, with filters by state and by owner. */
export function vmsView(ctx) {
  const status = h('p', { role: 'alert', class: 'message' });
  const body = h('div', { class: 'table-wrap' });
  const controls = h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() });

  function renderControls() {
    const states = [[-1, 'All but DONE'], [-2, 'All'], ...ctx.names.vm.map((name, code) => [code, name])];
    const users = [[-2, 'Everyone'], [-1, 'Mine'], ...[...knownUsers].sort((a, b) => a[0] - b[0])];
    replaceKeepingFocus(controls,
      select('State ', 'filter-state', filters.state, states, (e) => { filters.state = Number(e.target.value); refresh(); }),
      select('Owner ', 'filter-user', filters.user, users, (e) => { filters.user = Number(e.target.value); refresh(); }),
    );
  }

  async function refresh() {
    try {
      const pool = parseXml(await call('one.vmpool.info', filters.user, true, filters.state));
      const vms = children(pool, 'VM');
      for (const vm of vms) knownUsers.set(Number(child(vm, 'UID')), child(vm, 'USERNAME'));
      renderControls();
      replaceKeepingFocus(body, table(`${vms.length} virtual machines`,
        ['ID', 'Name', 'Owner', 'State', 'Host', 'CPU', 'Memory', 'IP'], vms.map(row)));
      message(status, '');
    } catch (e) {
      message(status, errorText(e), 'error');
    }
  }

  return {
    title: 'Virtual machines',
    content: [controls, status, body],
    refresh,
    wants: (ev) => ev.stream.startsWith('vm/'),
  };
}
