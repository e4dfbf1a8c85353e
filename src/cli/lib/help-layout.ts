import { Help } from 'commander';

/** Narrowest description column worth wrapping into (commander's own limit is 40). */
const MIN_DESCRIPTION = 30;
const INDENT = 6;

/**
 * `--help` that fits the terminal. Commander wraps descriptions into the
 * column after the longest term, and gives up (prints lines as long as they
 * are) when that column is narrower than 40; `onehost create|add <hostname>
 * <im_mad> <vmm_mad> <tm_mad>` alone takes 49 characters. When the column is
 * too narrow, each description goes under its term instead, wrapped to the
 * width.
 */
export function fitToWidth(width: () => number | undefined): Partial<Help> {
  return {
    helpWidth: width(),
    minWidthToWrap: 20,
    formatItem(term, termWidth, description, helper) {
      const total = helper.helpWidth ?? 80;
      if (!description || total - termWidth - 4 >= MIN_DESCRIPTION) {
        return Help.prototype.formatItem.call(helper, term, termWidth, description, helper);
      }
      const wrapped = helper.boxWrap(description, Math.max(total - INDENT, 20));
      return `  ${term}\n${wrapped.split('\n').map((line) => ' '.repeat(INDENT) + line).join('\n')}`;
    },
  };
}
