import { malformed, MAX_LINE_LENGTH, type Malformed } from './driver-message.ts';

/**
 * Turns a stream of text chunks into whole lines. An overlong line is
 * reported once as `Malformed` and skipped up to its newline, so a runaway
 * driver cannot make us buffer without bound. Pure: no I/O.
 */
export class LineSplitter {
  private buffer = '';
  private skipping = false;

  constructor(private readonly maxLength: number = MAX_LINE_LENGTH) {}

  push(chunk: string): (string | Malformed)[] {
    const out: (string | Malformed)[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      const piece = chunk.slice(start, nl);
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      const line = this.buffer + piece;
      this.buffer = '';
      out.push(line.length > this.maxLength ? malformed(`line longer than ${this.maxLength} characters`, line) : stripCr(line));
    }
    if (!this.skipping) {
      this.buffer += chunk.slice(start);
      if (this.buffer.length > this.maxLength) {
        out.push(malformed(`line longer than ${this.maxLength} characters`, this.buffer));
        this.buffer = '';
        this.skipping = true;
      }
    }
    return out;
  }

  /** End of stream: a partial last line is malformed (drivers must write whole lines). */
  end(): Malformed[] {
    const rest = this.buffer;
    this.buffer = '';
    this.skipping = false;
    return rest === '' ? [] : [malformed('partial line at end of stream', rest)];
  }
}

const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
