import { get, post, setCsrf, whenLoggedOut } from './api.js';
import { loadNames, names } from './names.js';
import { createView } from './view-create.js';
import { hostsView } from './view-hosts.js';
import { loginView } from './view-login.js';
import { networksView } from './view-networks.js';
import { vmView } from './view-vm.js';
import { vmsView } from './view-vms.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const live = document.getElementById('live');
const who = document.getElementById('who');
const logout = document.getElementById('logout');

let ctx; // { session, names } once logged in
let view; // the view on screen: { title, content, refresh, wants, pollMs?, focus? }
let events; // the EventSource
let pending; // a scheduled refresh
let poller;

function viewFor(hash) {
  const vm = /^#\/vms\/(\d+)$/.exec(hash);
  if (vm) return vmView(ctx, Number(vm[1]));
  if (hash === '#/hosts') return hostsView(ctx);
  if (hash === '#/networks') return networksView(ctx);
  if (hash === '#/create') return createView(ctx);
  return vmsView(ctx);
}

function show(next) {
  view = next;
  clearInterval(poller);
  document.title = `${next.title} · ONE-TS`;
  main.replaceChildren(...next.content);
  for (const a of nav.querySelectorAll('a')) {
    if (location.hash.startsWith(a.getAttribute('href'))) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  (next.focus ?? main).focus();
  if (next.pollMs) poller = setInterval(() => next.refresh(), next.pollMs);
  return next.refresh();
}

const route = () => ctx && show(viewFor(location.hash));

/** Live updates: every committed event the view cares about re-reads it (at most every 100 ms). */
function follow(after) {
  events?.close();
  events = new EventSource(`/api/events?after=${after}`);
  events.onopen = () => { live.textContent = '● live'; live.className = 'live on'; };
  events.onerror = () => { live.textContent = 'reconnecting…'; live.className = 'live off'; };
  events.addEventListener('change', (m) => {
    const ev = JSON.parse(m.data);
    if (!view?.wants(ev) || pending) return;
    pending = setTimeout(() => { pending = undefined; view.refresh(); }, 100);
  });
}

function loggedIn(session) {
  setCsrf(session.csrf);
  ctx = { session, names };
  who.textContent = `${session.user}${session.uid === 0 ? ' (admin)' : ''}`;
  nav.hidden = false;
  logout.hidden = false;
  follow(session.tip);
  if (!location.hash || location.hash === '#/login') location.hash = '#/vms';
  route();
}

function loggedOut() {
  ctx = undefined;
  setCsrf('');
  events?.close();
  nav.hidden = true;
  logout.hidden = true;
  who.textContent = '';
  live.textContent = '';
  show(loginView(loggedIn));
}

logout.addEventListener('click', async () => {
  await post('/api/logout', {});
  loggedOut();
});
whenLoggedOut(loggedOut);
window.addEventListener('hashchange', route);

await loadNames();
const session = await get('/api/session');
if (session.ok) loggedIn(session);
else loggedOut();
