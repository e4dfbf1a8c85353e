import { call, child, children, errorText, parseXml } from './api.js';
import { dateTime, h, message, replaceKeepingFocus, table } from './dom.js';
import { names } from './names.js';

const DISABLED = 4;

/** Allocated (what VMs reserve) and used (what monitoring measures) against the total, as two bars in one track. */
function capacity(label, max, allocated, used, unit) {
  const pct = (v) => (max > 0 ? Math.min(100, (v / max) * 100) : 0);
  const alloc = h('span', { class: 'cap-alloc' });
  const real = h('span', { class: 'cap-used' });
  alloc.style.width = `${pct(allocated)}%`; // CSSOM, which the page's CSP allows (inline style attributes it does not)
  real.style.width = `${pct(used)}%`;
  const text = `${label}: ${allocated} allocated, ${used} used of ${max}${unit}`;
  return h('div', { class: 'cap', title: text },
    h('div', { class: 'cap-track', role: 'img', 'aria-label': text }, alloc, real),
    h('div', { class: 'cap-text' }, `alloc ${allocated} · used ${used} / ${max}${unit}`));
}

function ago(epochSeconds) {
  if (!(epochSeconds > 0)) return 'never';
  const s = Math.max(0, Math.round(Date.now() / 1000 - epochSeconds));
  return `${dateTime(epochSeconds)} (${s < 120 ? `${s} s` : `${Math.round(s / 60)} min`} ago)`;
}

/** Hosts: state, CPU and memory capacity, last monitoring; enable and disable for oneadmin. */
export function hostsView(ctx) {
  const status = h('p', { role: 'alert', class: 'message' });
  const body = h('div', { class: 'table-wrap' });

  async function setEnabled(host, on) {
    try {
      await call('one.host.enable', Number(child(host, 'ID')), on);
      message(status, `Host ${child(host, 'NAME')} ${on ? 'enabled' : 'disabled'}`, 'ok');
    } catch (e) {
      message(status, errorText(e), 'error');
    }
  }

  function row(host) {
    const id = child(host, 'ID');
    const share = (name) => Number(child(host, `HOST_SHARE/${name}`));
    const state = Number(child(host, 'STATE'));
    const disabled = state === DISABLED;
    return [
      id,
      child(host, 'NAME'),
      h('span', { class: 'state' }, names.host[state] ?? `?${state}`),
      capacity('CPU', share('MAX_CPU'), share('CPU_USAGE'), share('USED_CPU'), ''),
      capacity('Memory', share('MAX_MEM'), share('MEM_USAGE'), share('USED_MEM'), ' KB'),
      String(share('RUNNING_VMS')),
      ago(Number(child(host, 'LAST_MON_TIME'))),
      ctx.session.uid === 0
        ? h('button', { type: 'button', 'data-key': `host-${id}`, onclick: () => setEnabled(host, disabled) }, disabled ? 'Enable' : 'Disable')
        : '-',
    ];
  }

  async function refresh() {
    try {
      const hosts = children(parseXml(await call('one.hostpool.info')), 'HOST');
      replaceKeepingFocus(body, table(`${hosts.length} hosts`,
        ['ID', 'Name', 'State', 'CPU', 'Memory', 'VMs', 'Last monitored', 'Action'], hosts.map(row)));
    } catch (e) {
      message(status, errorText(e), 'error');
    }
  }

  return {
    title: 'Hosts',
    content: [
      h('p', { class: 'legend' }, 'CPU: 100 = one core; memory in KB.',
        h('span', { class: 'cap-alloc' }), 'allocated to VMs', h('span', { class: 'cap-used' }), 'used, as last monitored'),
      status, body],
    refresh,
    // Monitoring figures are samples, not events: the view also re-reads them every few seconds.
    pollMs: 5_000,
    wants: (ev) => ev.stream.startsWith('host/') || ev.stream.startsWith('vm/'),
  };
}
