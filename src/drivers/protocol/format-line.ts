import type { DriverResult } from './driver-message.ts';

/**
 * Formatting for both directions. A token that would break the line framing
 * (a newline, or a blank inside a field) is a programming error
 * at the caller, so these functions throw `LineFormatError` for it; callers
 * that handle untrusted text check with `isSafeToken` first.
 */
export class LineFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineFormatError';
  }
}

/** Safe as one space-separated field. */
export const isSafeToken = (s: string): boolean => s.length > 0 && !/[\s\0]/.test(s);

const formatId = (id: number | undefined): string => {
  if (id === undefined) return '-';
  if (!Number.isSafeInteger(id) || id < 0) throw new LineFormatError(`bad id ${id}`);
  return String(id);
};

/**
 * Core → driver. Every argument must be one token (hook arguments travel
 * encoded as one, see hook-words.ts).
 */
export function formatRequest(verb: string, args: readonly string[]): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(verb)) throw new LineFormatError(`bad verb "${verb}"`);
  args.forEach((arg, i) => {
    if (!isSafeToken(arg)) throw new LineFormatError(`${verb}: argument ${i + 1} cannot be sent on one line: ${JSON.stringify(arg)}`);
  });
  return [verb, ...args].join(' ');
}

/** Driver → core reply. Newlines in `info` are turned into spaces so the reply stays one line. */
export function formatReply(verb: string, result: DriverResult, id: number | undefined, info = ''): string {
  const head = `${verb} ${result} ${formatId(id)}`;
  const flat = info.replace(/[\r\n\0]+/g, ' ');
  return flat === '' ? head : `${head} ${flat}`;
}

/** Driver → core log lines: one per line of `text`, as the Ruby drivers do. */
export function formatLog(id: number | undefined, text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l !== '').map((l) => `LOG - ${formatId(id)} ${l.replace(/[\r\0]/g, ' ')}`);
}
