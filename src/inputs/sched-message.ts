/**
 * The rule for SCHED_MESSAGE, the scheduler's one-line reason why a VM is
 * still PENDING (`one.vm.schedmessage`). It is printed inside `onevm show`
 * and every VM document, and stored in the log for good, so it must be one
 * short line of text: no newline or other control character (one could
 * forge extra lines in `onevm show`), nothing XML cannot carry, at most
 * SCHED_MESSAGE_MAX_CHARS characters.
 *
 * This module imports only xml-characters.ts, so any layer may use it.
 */
import { findForbiddenCharacter, forbiddenCharacterMessage } from './xml-characters.ts';

export const SCHED_MESSAGE_MAX_CHARS = 1024;

/** C0 controls (tab, LF and CR included), DEL, C1 controls, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const NOT_ONE_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

const describe = (c: string): string => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `message` cannot be a SCHED_MESSAGE (names the character, never echoes it), or undefined when it can. */
export function schedMessageProblem(message: string): string | undefined {
  const xml = findForbiddenCharacter(message);
  if (xml) return forbiddenCharacterMessage('The scheduler message', xml);
  const control = NOT_ONE_LINE.exec(message);
  if (control) {
    return `The scheduler message must be one line of text: it contains ${describe(control[0])} at character ${control.index + 1}`;
  }
  const length = [...message].length;
  if (length > SCHED_MESSAGE_MAX_CHARS) {
    return `The scheduler message is ${length} characters long, longer than ${SCHED_MESSAGE_MAX_CHARS}`;
  }
  return undefined;
}
