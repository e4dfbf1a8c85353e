import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger, LogLevel } from '../actors/ports.ts';

const LEVELS: Record<LogLevel, number> = { E: 0, W: 1, I: 2, D: 3 };

/** `Thu Dec 17 10:00:00 2009`, the C ctime() shape 1.4 writes (local time). */
export function ctime(date: Date): string {
  const [wd, mon, day, year, time] = date.toString().split(' ');
  return `${wd} ${mon} ${String(Number(day)).padStart(2, ' ')} ${time} ${year}`;
}

/**
 * oned.log and the per-VM logs (spec §11.4): `<time> [MODULE][L]: message`,
 * written only when the level is at or below DEBUG_LEVEL. Lines logged in
 * one tick are written together, one append per file, at the end of the
 * tick (a burst of 10,000 allocations must not cost 10,000 opens); `flush`
 * writes what is pending at once, and runs on exit so no line is lost.
 */
export class FileLogger implements Logger {
  private readonly pending = new Map<string, string[]>();
  private readonly knownDirs = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly file: string,
    private readonly debugLevel: number,
    private readonly varDir: string,
  ) {
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

  flush(): void {
    this.scheduled = false;
    for (const [path, lines] of this.pending) {
      const dir = dirname(path);
      if (!this.knownDirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.knownDirs.add(dir);
      }
      appendFileSync(path, lines.join(''));
    }
    this.pending.clear();
  }

  private queue(path: string, line: string): void {
    const lines = this.pending.get(path);
    if (lines) lines.push(line);
    else this.pending.set(path, [line]);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private line(module: string, level: LogLevel, message: string): string {
    return `${ctime(new Date())} [${module}][${level}]: ${message.replace(/\n/g, ' ')}\n`;
  }
}
