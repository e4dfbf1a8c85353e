import { malformed, MAX_LINE_LENGTH, type DriverOutputLine, type Malformed, type RequestLine } from './driver-message.ts';

const VERB = /^[A-Z][A-Z0-9_]*$/;
const NUMBER = /^\d{1,15}$/;

/** Parses one driver → core line (without its newline). Never throws. */
export function parseDriverLine(line: string): DriverOutputLine {
  const checked = checkLine(line);
  if (checked) return checked;
  const fields = splitFields(line, 3);
  const [verb, second, third, rest] = fields;
  if (verb === 'LOG') {
    if (second !== '-' || third === undefined) return malformed('LOG line must read "LOG - <id> <text>"', line);
    return { type: 'log', id: NUMBER.test(third) ? Number(third) : undefined, text: rest ?? '' };
  }
  if (!VERB.test(verb)) return malformed('line does not start with an upper-case verb', line);
  if (second !== 'SUCCESS' && second !== 'FAILURE') return malformed(`${verb}: result must be SUCCESS or FAILURE`, line);
  if (third === undefined) return malformed(`${verb}: missing id`, line);
  if (third !== '-' && !NUMBER.test(third)) return malformed(`${verb}: id "${third}" is not a number`, line);
  return { type: 'reply', verb, result: second, id: third === '-' ? undefined : Number(third), info: rest ?? '' };
}

/**
 * Parses one core → driver line: a verb and its single-space separated
 * arguments. Empty arguments (two blanks in a row) are kept, so that a
 * field is never silently shifted.
 */
export function parseRequestLine(line: string): RequestLine | Malformed {
  const checked = checkLine(line);
  if (checked) return checked;
  const [verb, ...args] = line.split(' ');
  if (!VERB.test(verb)) return malformed('line does not start with an upper-case verb', line);
  return { type: 'request', verb, args };
}

function checkLine(line: string): Malformed | undefined {
  if (line.length > MAX_LINE_LENGTH) return malformed(`line longer than ${MAX_LINE_LENGTH} characters`, line);
  if (line.length === 0) return malformed('empty line', line);
  if (/[\r\n\0]/.test(line)) return malformed('line contains CR, LF or NUL', line);
  return undefined;
}

/** Splits on single spaces into at most `count` fields plus the untouched rest. */
function splitFields(line: string, count: number): [string, ...(string | undefined)[]] {
  const out: string[] = [];
  let start = 0;
  while (out.length < count) {
    const space = line.indexOf(' ', start);
    if (space < 0) {
      out.push(line.slice(start));
      return out as [string, ...string[]];
    }
    out.push(line.slice(start, space));
    start = space + 1;
  }
  out.push(line.slice(start));
  return out as [string, ...string[]];
}
