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
 * written only when the level is at or below DEBUG_LEVEL. Appends are
 * synchronous on purpose: a log line must survive the crash it explains.
 */
export class FileLogger implements Logger {
  constructor(
    private readonly file: string,
    private readonly debugLevel: number,
    private readonly varDir: string,
  ) {
    mkdirSync(dirname(file), { recursive: true });
  }

  log(module: string, level: LogLevel, message: string): void {
    if (LEVELS[level] > this.debugLevel) return;
    appendFileSync(this.file, this.line(module, level, message));
  }

  vmLog(vid: number, module: string, level: LogLevel, message: string): void {
    const dir = join(this.varDir, String(vid));
    mkdirSync(dir, { recursive: true });
    appendFileSync(join(dir, 'vm.log'), this.line(module, level, message));
  }

  private line(module: string, level: LogLevel, message: string): string {
    return `${ctime(new Date())} [${module}][${level}]: ${message.replace(/\n/g, ' ')}\n`;
  }
}
