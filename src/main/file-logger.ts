import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger, LogLevel } from '../actors/ports.ts';

const LEVELS: Record<LogLevel, number> = { E: 0, W: 1, I: 2, D: 3 };

/** `Thu Dec 17 10:00:00 2009`, the C ctime() shape 1.4 writes (local time). */
export function ctime(date: Date): string {
  const [wd, mon, day, year, time] = date.toString().split(' ');
  return `${wd} ${mon} ${String(Number(day)).padStart(2, ' ')} ${time} ${year}`;
}

export interface FileLoggerOptions {
  /** Lines kept in memory while the files cannot be written; later ones are dropped (and counted). */
  readonly maxPendingLines?: number;
  /** How soon a failed write is tried again, in ms. */
  readonly retryMs?: number;
}

/**
 * oned.log and the per-VM logs (spec §11.4): `<time> [MODULE][L]: message`,
 * written only when the level is at or below DEBUG_LEVEL. Lines logged in
 * one tick are written together, one append per file, at the end of the
 * tick (a burst of 10,000 allocations must not cost 10,000 opens); `flush`
 * writes what is pending at once, and runs on exit so no line is lost.
 *
 * Logging never takes oned down. When a file cannot be written (a full
 * disk), its lines wait in memory, up to `maxPendingLines` in all, and are
 * tried again every `retryMs`; once oned.log can be written again, one line
 * says since when it could not and how many lines were dropped.
 */
export class FileLogger implements Logger {
  /** Text waiting to be appended, per file (a Buffer: a write may stop mid-character). */
  private readonly pending = new Map<string, Buffer[]>();
  private pendingLines = 0;
  private readonly knownDirs = new Set<string>();
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Set from the first failed write until oned.log is written again. */
  private outage: { since: Date; reason: string; dropped: number } | undefined;
  private readonly maxPendingLines: number;
  private readonly retryMs: number;

  constructor(
    private readonly file: string,
    private readonly debugLevel: number,
    private readonly varDir: string,
    options: FileLoggerOptions = {},
  ) {
    this.maxPendingLines = options.maxPendingLines ?? 10_000;
    this.retryMs = options.retryMs ?? 1000;
    mkdirSync(dirname(file), { recursive: true });
    process.on('exit', () => this.flush());
  }

  log(module: string, level: LogLevel, message: string): void {
    if (LEVELS[level] > this.debugLevel) return;
    this.queue(this.file, this.line(module, level, message));
  }

  vmLog(vid: number, module: string, level: LogLevel, message: string): void {
    this.queue(join(this.varDir, String(vid), 'vm.log'), this.line(module, level, message));
  }

  /** Writes what is pending; never throws. What cannot be written now stays for the retry. */
  flush(): void {
    this.scheduled = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // After an outage oned.log is tried even with nothing new, to say what happened.
    if (this.outage && !this.pending.has(this.file)) this.pending.set(this.file, []);
    for (const [path, chunks] of [...this.pending]) {
      const note = path === this.file && this.outage ? this.outageNote(this.outage) : '';
      const text = Buffer.concat([Buffer.from(note), ...chunks]);
      const written = this.append(path, text);
      if (written === text.length) {
        this.pending.delete(path);
        this.pendingLines -= chunks.length;
        if (path === this.file) this.outage = undefined;
      } else {
        // Keep only what did not reach the file, so nothing is written twice.
        const rest = text.subarray(Math.max(written, Buffer.byteLength(note)));
        this.pending.set(path, rest.length > 0 ? [rest] : []);
        this.pendingLines += linesIn(rest) - chunks.length;
      }
    }
    if (this.outage) {
      this.retryTimer = setTimeout(() => this.flush(), this.retryMs);
      this.retryTimer.unref();
    }
  }

  /** Appends `text`; returns how many bytes reached the file (all of them unless the write failed). */
  private append(path: string, text: Buffer): number {
    let done = 0;
    let fd: number | undefined;
    try {
      const dir = dirname(path);
      if (!this.knownDirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.knownDirs.add(dir);
      }
      fd = openSync(path, 'a');
      while (done < text.length) done += writeSync(fd, text, done);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.outage ??= { since: new Date(), reason, dropped: 0 };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return done;
  }

  private outageNote(outage: { since: Date; reason: string; dropped: number }): string {
    const dropped = outage.dropped > 0 ? `; ${outage.dropped} log lines were dropped` : '';
    return this.line('ONE', 'W', `Log files could not be written from ${ctime(outage.since)} (${outage.reason})${dropped}`);
  }

  private queue(path: string, line: string): void {
    if (this.outage && this.pendingLines >= this.maxPendingLines) {
      this.outage.dropped++;
      return;
    }
    const chunk = Buffer.from(line);
    const chunks = this.pending.get(path);
    if (chunks) chunks.push(chunk);
    else this.pending.set(path, [chunk]);
    this.pendingLines++;
    // During an outage the retry timer flushes; no need to try every tick.
    if (!this.scheduled && !this.outage) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private line(module: string, level: LogLevel, message: string): string {
    return `${ctime(new Date())} [${module}][${level}]: ${visible(message)}\n`;
  }
}

/**
 * One line of plain text: a newline becomes a blank, other control characters (a driver's
 * garbage, a `\r` from a template) become `\xNN`, so that a line cannot pass for two or
 * move a terminal's cursor when the log is read.
 */
function visible(message: string): string {
  return message.replace(/\n/g, ' ').replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function linesIn(text: Buffer): number {
  let n = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) n++;
  return n;
}
