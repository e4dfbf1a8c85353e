import { call, child, children, errorText, parseXml, read } from './api.js';
import { dateTime, h, megabytes, message, replaceKeepingFocus, table } from './dom.js';
import { isPending, names, vmStateLabel } from './names.js';

/** one.vm.action verbs, with the names onevm gives them (delete is finalize). */
const ACTIONS = [
  ['shutdown', 'Shut down'], ['stop', 'Stop'], ['suspend', 'Suspend'], ['resume', 'Resume'],
  ['hold', 'Hold'], ['release', 'Release'], ['cancel', 'Cancel'], ['resubmit', 'Resubmit'], ['finalize', 'Delete'],
];

/** A template as the OpenNebula template language writes it: `NAME = value`, vectors as `NIC = [ … ]`. */
function templateText(template) {
  const quote = (v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return [...template.children].map((a) =>
    a.children.length === 0
      ? `${a.tagName} = ${quote(a.textContent)}`
      : `${a.tagName} = [\n${[...a.children].map((p) => `  ${p.tagName} = ${quote(p.textContent)}`).join(',\n')} ]`,
  ).join('\n');
}

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** A VM: its figures, actions, SCHED_MESSAGE, template, history record and audit timeline. */
export function vmView(ctx, vid) {
  const status = h('p', { role: 'alert', class: 'message' });
  const heading = h('h2', {}, `VM ${vid}`);
  const toolbar = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Actions' });
  const details = h('div');
  const timeline = h('div', { class: 'table-wrap timeline' });
  let hosts = [];

  async function act(label, method, ...params) {
    message(status, `${label}…`);
    try {
      await call(method, ...params);
      message(status, `${label}: done`, 'ok');
    } catch (e) {
      message(status, `${label} refused: ${errorText(e)}`, 'error');
    }
  }

  function hostSelect(id, label) {
    return h('select', { id, 'data-key': id, 'aria-label': label },
      hosts.map((host) => h('option', { value: child(host, 'ID') }, `${child(host, 'NAME')} (${child(host, 'ID')})`)));
  }

  function renderToolbar() {
    const deployTo = hostSelect('deploy-host', 'Deploy to host');
    const migrateTo = hostSelect('migrate-host', 'Migrate to host');
    const live = h('input', { type: 'checkbox', id: 'migrate-live', 'data-key': 'migrate-live' });
    replaceKeepingFocus(toolbar,
      h('span', { class: 'group' }, deployTo,
        h('button', { type: 'button', 'data-key': 'deploy', onclick: () => act('Deploy', 'one.vm.deploy', vid, Number(deployTo.value)) }, 'Deploy')),
      h('span', { class: 'group' }, migrateTo, h('label', { for: 'migrate-live' }, live, ' live'),
        h('button', { type: 'button', 'data-key': 'migrate', onclick: () => act('Migrate', 'one.vm.migrate', vid, Number(migrateTo.value), live.checked) }, 'Migrate')),
      ACTIONS.map(([verb, label]) =>
        h('button', { type: 'button', 'data-key': verb, class: verb === 'finalize' ? 'danger' : '', onclick: () => act(label, 'one.vm.action', verb, vid) }, label)),
    );
  }

  function renderVm(vm) {
    const state = Number(child(vm, 'STATE'));
    const stateLabel = vmStateLabel(state, Number(child(vm, 'LCM_STATE')));
    heading.replaceChildren(`VM ${vid}: `, child(vm, 'NAME'), ' ', h('span', { class: 'state', id: 'vm-state' }, stateLabel));
    const template = [...vm.children].find((c) => c.tagName === 'TEMPLATE');
    const sched = template ? child(template, 'SCHED_MESSAGE') : '';
    const history = [...vm.children].find((c) => c.tagName === 'HISTORY');
    replaceKeepingFocus(details,
      isPending(state) && sched ? h('p', { class: 'sched', id: 'sched-message' }, h('strong', {}, 'Scheduler: '), sched) : null,
      facts([
        ['Owner (uid)', child(vm, 'UID')], ['State', stateLabel], ['Host', history ? child(history, 'HOSTNAME') : '-'],
        ['CPU', `${child(vm, 'CPU')} %`], ['Memory', megabytes(Number(child(vm, 'MEMORY')))],
        ['Started', dateTime(Number(child(vm, 'STIME')))], ['Ended', dateTime(Number(child(vm, 'ETIME')))],
        ['Deploy id', child(vm, 'DEPLOY_ID') || '-'],
      ]),
      h('h3', {}, 'Template'),
      h('pre', { class: 'template', tabindex: 0 }, template ? templateText(template) : ''),
      h('h3', {}, 'History record'),
      h('div', { class: 'table-wrap' }, table('Latest placement', ['Seq', 'Host', 'Start', 'End', 'Prolog', 'Running', 'Epilog', 'Reason'],
        history ? [[child(history, 'SEQ'), child(history, 'HOSTNAME'), dateTime(Number(child(history, 'STIME'))),
          dateTime(Number(child(history, 'ETIME'))), dateTime(Number(child(history, 'PSTIME'))),
          dateTime(Number(child(history, 'RSTIME'))), dateTime(Number(child(history, 'ESTIME'))),
          names.reason[Number(child(history, 'REASON'))] ?? child(history, 'REASON')]] : [])),
    );
  }

  function renderTimeline(rows) {
    const states = (r) => (r.before === r.after ? `(${r.after})` : `${r.before} → ${r.after}`);
    replaceKeepingFocus(timeline, table(`Audit timeline (${rows.length} events, as oneaudit log vm ${vid} prints it)`,
      ['Time', 'Seq', 'Who', 'Event', 'State', 'Detail'],
      rows.map((r) => [new Date(r.ts).toISOString(), `#${r.seq}`, r.who, r.type, states(r), r.detail])));
  }

  async function refresh() {
    try {
      const [vmXml, poolXml] = await Promise.all([call('one.vm.info', vid), call('one.hostpool.info')]);
      hosts = children(parseXml(poolXml), 'HOST');
      renderVm(parseXml(vmXml));
      if (toolbar.children.length === 0 || toolbar.querySelectorAll('option').length !== 2 * hosts.length) renderToolbar();
    } catch (e) {
      message(status, errorText(e), 'error');
    }
    try {
      renderTimeline(await read(`/api/vm/${vid}/timeline`));
    } catch (e) {
      timeline.replaceChildren(h('p', { class: 'message error' }, `Timeline: ${errorText(e)}`));
    }
  }

  return {
    title: `VM ${vid}`,
    content: [heading, toolbar, status, details, h('h3', {}, 'Timeline'), timeline],
    refresh,
    wants: (ev) => ev.stream === `vm/${vid}`,
  };
}
