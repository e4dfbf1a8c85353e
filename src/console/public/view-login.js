import { post } from './api.js';
import { h, message } from './dom.js';

/** The login form; `onLogin` gets the session description the server answers. */
export function loginView(onLogin) {
  const status = h('p', { role: 'alert', class: 'message' });
  const user = h('input', { id: 'user', name: 'user', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', {
    class: 'login',
    onsubmit: async (e) => {
      e.preventDefault();
      message(status, 'Logging in…');
      const r = await post('/api/login', { user: user.value, password: password.value });
      if (r.ok) onLogin(r);
      else message(status, r.message, 'error');
    },
  },
  h('h2', {}, 'Log in'),
  h('label', { for: 'user' }, 'User'), user,
  h('label', { for: 'password' }, 'Password'), password,
  h('button', { type: 'submit' }, 'Log in'),
  status);
  return { title: 'Log in', content: [form], refresh: async () => {}, wants: () => false, focus: user };
}
