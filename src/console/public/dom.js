// Elements are built from data with text nodes only (never innerHTML), so a
// VM called `<script>` or `$(rm -rf)` is shown as those characters.

/** `h('a', {href: '#/vms', class: 'x', onclick: f}, 'text', child)`. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/**
 * Replaces a container's content after a live update without losing the
 * keyboard user's place: the focused element's data-key is looked up again
 * in the new content.
 */
export function replaceKeepingFocus(container, ...nodes) {
  const key = document.activeElement?.closest?.('[data-key]')?.getAttribute('data-key');
  const inside = key && container.contains(document.activeElement);
  container.replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
  if (inside) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

/** A message line: role=alert so that screen readers announce errors. */
export function message(el, text, kind = 'info') {
  el.className = `message ${kind}`;
  el.textContent = text;
}

/** A table whose cells carry their column name, for the phone layout (one card per row). */
export function table(caption, columns, rows) {
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'None'))
      : rows.map((cells) => h('tr', {}, cells.map((cell, i) => h('td', { 'data-label': columns[i] }, cell))))),
  );
}

/** Poll figures come in KB; 0 means not polled yet. */
export const megabytes = (kb) => (kb > 0 ? `${(kb / 1024).toFixed(1)} MB` : '-');

export const dateTime = (epochSeconds) =>
  epochSeconds > 0 ? new Date(epochSeconds * 1000).toLocaleString() : '-';
