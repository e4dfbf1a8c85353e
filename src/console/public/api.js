// The console's server holds the API session; the page sends calls with the
// CSRF token it was given at login, and gets `{ok, value | message, code}`.
let csrf = '';
let onLoggedOut = () => {};

export const setCsrf = (token) => { csrf = token; };
export const whenLoggedOut = (fn) => { onLoggedOut = fn; };

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

async function answer(res) {
  const body = await res.json().catch(() => ({ ok: false, message: `HTTP ${res.status}`, code: 0 }));
  if (res.status === 401 && csrf) onLoggedOut();
  return body;
}

export async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: JSON.stringify(body),
  });
  return answer(res);
}

export async function get(path) {
  return answer(await fetch(path));
}

/** One API call; throws an ApiError carrying oned's message and error code. */
export async function call(method, ...params) {
  const r = await post('/api/call', { method, params });
  if (!r.ok) throw new ApiError(r.message, r.code);
  return r.value;
}

/** A GET of the console's own reads (timelines), with the same error shape. */
export async function read(path) {
  const r = await get(path);
  if (!r.ok) throw new ApiError(r.message, r.code);
  return r.value;
}

/** `User not authorized … [0x0200]`, as the API numbers its errors; transport faults keep their negative code. */
export function errorText(e) {
  if (!(e instanceof ApiError)) return String(e?.message ?? e);
  const code = e.code > 0 ? `0x${e.code.toString(16).padStart(4, '0')}` : e.code < 0 ? String(e.code) : '';
  return code ? `${e.message} [${code}]` : e.message;
}

export const parseXml = (text) => new DOMParser().parseFromString(text, 'application/xml').documentElement;

/** The text of a direct child (`child(vm, 'NAME')`) or of a path of direct children (`'HISTORY/HOSTNAME'`). */
export function child(el, path) {
  let node = el;
  for (const name of path.split('/')) {
    node = node && [...node.children].find((c) => c.tagName === name);
  }
  return node ? node.textContent : '';
}

export const children = (el, name) => [...el.children].filter((c) => c.tagName === name);
