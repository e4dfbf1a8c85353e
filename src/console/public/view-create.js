import { call, errorText } from './api.js';
import { h, message } from './dom.js';

const EXAMPLE = `NAME   = ttylinux
CPU    = 0.1
MEMORY = 64
DISK   = [ SOURCE = "/var/lib/images/ttylinux.img", TARGET = "hda" ]`;

/** Create a VM from template text, as `onevm create` sends it. */
export function createView(ctx) {
  const status = h('p', { role: 'alert', class: 'message' });
  const text = h('textarea', { id: 'template', rows: 12, spellcheck: 'false', 'aria-describedby': 'template-help' }, EXAMPLE);
  const form = h('form', {
    class: 'create',
    onsubmit: async (e) => {
      e.preventDefault();
      message(status, 'Creating…');
      try {
        const vid = await call('one.vm.allocate', text.value);
        location.hash = `#/vms/${vid}`;
      } catch (err) {
        message(status, `Create refused: ${errorText(err)}`, 'error');
      }
    },
  },
  h('label', { for: 'template' }, 'Template'),
  h('p', { id: 'template-help', class: 'help' }, 'The OpenNebula template language, as in a file given to onevm create.'),
  text,
  h('button', { type: 'submit' }, 'Create VM'));
  return { title: 'Create a VM', content: [form, status], refresh: async () => {}, wants: () => false, focus: text };
}
