import { Subject, filter, type Observable } from 'rxjs';
import type { Logger } from '../actors/ports.ts';
import { DriverProcess, InitTimeoutError } from './driver-process.ts';
import type { DriverLog, DriverReply } from './driver-reply.ts';
import { resolveExecutable, type MadConfig } from './mad-config.ts';
import { InFlight } from './in-flight.ts';
import { formatRequest } from './protocol/format-line.ts';
import { encodeHookWords } from './protocol/hook-words.ts';
import type { Malformed, ReplyLine } from './protocol/driver-message.ts';
import { parseDriverLine } from './protocol/parse-line.ts';

export interface DriverManagerOptions {
  readonly mads: readonly MadConfig[];
  /** Where relative executables live (ONE_LOCATION/bin or the repo's bin/). */
  readonly binDir: string;
  readonly logger?: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Default per-request timeout; a hung driver then yields a FAILURE reply. */
  readonly requestTimeoutMs?: number;
  readonly initTimeoutMs?: number;
  /** Grace period after FINALIZE, and again after SIGTERM. */
  readonly stopGraceMs?: number;
  /** Restarts allowed in a row before a crashing driver is given up. */
  readonly maxRestarts?: number;
  readonly restartBaseDelayMs?: number;
  /** A driver that ran this long before crashing gets a fresh restart budget. */
  readonly stableAfterMs?: number;
}

/** A request that settled: answered by the driver, or failed here (timeout, driver down). */
export interface DriverRequestDone {
  readonly kind: MadConfig['kind'];
  readonly mad: string;
  readonly verb: string;
  readonly result: DriverReply['result'];
  readonly seconds: number;
}

interface Pending {
  readonly verb: string;
  readonly id: number;
  readonly args: readonly string[];
  readonly line: string;
  readonly settle: (reply: DriverReply) => void;
}

interface Slot {
  readonly config: MadConfig;
  process: DriverProcess | undefined;
  state: 'starting' | 'running' | 'restarting' | 'dead' | 'stopped';
  deadReason: string;
  crashes: number;
  startedAt: number;
  readonly inFlight: InFlight<Pending>;
}

/**
 * Starts one process per MAD, correlates requests with replies, restarts
 * crashed drivers and re-sends what was in flight (spec §4.1; unlike 1.4,
 * which forgot pending operations). Every request promise settles: with the
 * driver's reply, or with a FAILURE made up here.
 */
export class DriverManager {
  private readonly slots = new Map<string, Slot>();
  private readonly replySubject = new Subject<DriverReply>();
  private readonly logSubject = new Subject<DriverLog>();
  readonly replies$: Observable<DriverReply> = this.replySubject.asObservable();
  readonly logs$: Observable<DriverLog> = this.logSubject.asObservable();
  private readonly requestSubject = new Subject<DriverRequestDone>();
  /** One item per settled request, with how long it took (for /metrics; the manager itself keeps no figures). */
  readonly requests$: Observable<DriverRequestDone> = this.requestSubject.asObservable();
  readonly monitoring$: Observable<DriverReply> = this.replies$.pipe(filter((r) => r.kind === 'im' && r.verb === 'MONITOR'));
  private readonly o: Required<Omit<DriverManagerOptions, 'logger' | 'env' | 'cwd'>> & DriverManagerOptions;

  constructor(options: DriverManagerOptions) {
    this.o = {
      requestTimeoutMs: 300_000,
      initTimeoutMs: 15_000,
      stopGraceMs: 2_000,
      maxRestarts: 5,
      restartBaseDelayMs: 200,
      stableAfterMs: 30_000,
      ...options,
    };
    for (const config of options.mads) {
      if (this.slots.has(config.name)) throw new Error(`duplicate driver name ${config.name}`);
      this.slots.set(config.name, { config, process: undefined, state: 'starting', deadReason: '', crashes: 0, startedAt: 0, inFlight: new InFlight<Pending>() });
    }
  }

  /**
   * Starts every driver. One that refuses INIT (or cannot run) is logged and
   * left out; its requests fail. One that does not answer INIT in time is
   * tried again in the background with the crash back-off, and its requests
   * wait for it meanwhile (within their own timeout).
   */
  async start(): Promise<{ started: string[]; failed: { name: string; reason: string }[] }> {
    const outcome = await Promise.all([...this.slots.values()].map(async (slot) => {
      try {
        await this.launch(slot);
        return { name: slot.config.name, reason: undefined };
      } catch (err) {
        if (err instanceof InitTimeoutError && slot.state === 'starting') {
          slot.state = 'restarting';
          void this.relaunch(slot, `driver ${slot.config.name} did not start (${err.message})`);
          return { name: slot.config.name, reason: `${err.message}; trying again` };
        }
        this.markDead(slot, `driver ${slot.config.name} failed to start: ${message(err)}`);
        return { name: slot.config.name, reason: message(err) };
      }
    }));
    return {
      started: outcome.filter((o) => o.reason === undefined).map((o) => o.name),
      failed: outcome.flatMap((o) => (o.reason === undefined ? [] : [{ name: o.name, reason: o.reason }])),
    };
  }

  /** Configured and not given up on (a driver being restarted still counts). */
  has(mad: string): boolean {
    const state = this.slots.get(mad)?.state;
    return state !== undefined && state !== 'dead' && state !== 'stopped';
  }

  /** Sends `VERB id args…` and resolves with the matching reply (or a made-up FAILURE). */
  request(mad: string, verb: string, id: number, args: readonly string[] = [], opts: { timeoutMs?: number } = {}): Promise<DriverReply> {
    const started = performance.now();
    const settled = this.send(mad, verb, id, args, opts);
    void settled.then((reply) =>
      this.requestSubject.next({ kind: reply.kind, mad, verb, result: reply.result, seconds: (performance.now() - started) / 1000 }),
    );
    return settled;
  }

  private send(mad: string, verb: string, id: number, args: readonly string[], opts: { timeoutMs?: number }): Promise<DriverReply> {
    const slot = this.slots.get(mad);
    const kind = slot?.config.kind ?? 'vmm';
    const fail = (info: string): DriverReply => this.synthetic(kind, mad, verb, id, info);
    if (!slot) return Promise.resolve(fail(`no driver named ${mad}`));
    if (slot.state === 'dead' || slot.state === 'stopped') return Promise.resolve(fail(slot.deadReason || `driver ${mad} is not running`));
    let line: string;
    try {
      // EXECUTE hook where command word…: the words travel as one token that cannot be re-split.
      const sent = verb === 'EXECUTE' ? [...args.slice(0, 3), encodeHookWords(args.slice(3))] : args;
      line = formatRequest(verb, [String(id), ...sent]);
    } catch (err) {
      return Promise.resolve(fail(message(err)));
    }
    const timeoutMs = opts.timeoutMs ?? this.o.requestTimeoutMs;
    return new Promise<DriverReply>((resolve) => {
      const timer = setTimeout(() => {
        if (!slot.inFlight.delete(pending)) return;
        this.o.logger?.log('MAD', 'E', `driver ${mad}: no reply to ${verb} ${id} within ${timeoutMs} ms`);
        // The action may still be running in the driver; ask it to give up.
        if (slot.config.kind === 'vmm' || slot.config.kind === 'tm') slot.process?.write(`DRIVER_CANCEL ${id}`);
        const reply = fail(`Timeout: driver ${mad} did not answer ${verb} within ${timeoutMs} ms`);
        this.replySubject.next(reply);
        resolve(reply);
      }, timeoutMs);
      const pending: Pending = {
        verb, id, args, line,
        settle: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
      };
      slot.inFlight.add(pending);
      if (slot.state === 'running') slot.process?.write(line);
    });
  }

  /** Fire-and-forget line such as `DRIVER_CANCEL <id>`; false when the driver is not running. */
  notify(mad: string, line: string): boolean {
    const slot = this.slots.get(mad);
    if (!slot || slot.state !== 'running' || /[\r\n]/.test(line)) return false;
    const cancelled = /^DRIVER_CANCEL (\d+)$/.exec(line);
    if (cancelled) {
      // The driver drops a cancelled action without a reply (§4.3): settle its
      // requests now, so that the next request for this id (say the
      // EPILOG_DELETE after a delete) is not answered with the old reply.
      const id = Number(cancelled[1]);
      for (const pending of slot.inFlight.ofId(id)) {
        slot.inFlight.delete(pending);
        pending.settle(this.synthetic(slot.config.kind, mad, pending.verb, id, `${pending.verb} ${id} cancelled`));
      }
    }
    return slot.process?.write(line) ?? false;
  }

  /** FINALIZE every driver, then SIGTERM/SIGKILL by pid; pending requests fail. */
  async stop(): Promise<void> {
    await Promise.all([...this.slots.values()].map(async (slot) => {
      this.markDead(slot, `driver ${slot.config.name} stopped`, 'stopped');
      await slot.process?.stop(this.o.stopGraceMs);
    }));
    this.replySubject.complete();
    this.logSubject.complete();
    this.requestSubject.complete();
  }

  /** Pids of the running drivers, for tests and `one status`. */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries([...this.slots].map(([name, slot]) => [name, slot.process?.running ? slot.process.pid : undefined]));
  }

  private async launch(slot: Slot): Promise<void> {
    const proc = new DriverProcess({
      executable: resolveExecutable(slot.config.executable, this.o.binDir),
      arguments: slot.config.arguments,
      env: this.o.env,
      cwd: this.o.cwd,
      initTimeoutMs: this.o.initTimeoutMs,
    });
    slot.process = proc;
    // Subscribe before INIT so that nothing written right after the handshake is lost.
    proc.lines$.subscribe({
      next: (line) => this.onLine(slot, line),
      complete: () => void this.onExit(slot, proc),
    });
    await proc.start();
    if (slot.state === 'stopped') {
      await proc.stop(this.o.stopGraceMs);
      return;
    }
    slot.state = 'running';
    slot.startedAt = Date.now();
    for (const pending of slot.inFlight) proc.write(pending.line);
  }

  private onLine(slot: Slot, raw: string | Malformed): void {
    const { name, kind } = slot.config;
    const line = typeof raw === 'string' ? parseDriverLine(raw) : raw;
    if (line.type === 'malformed') {
      this.o.logger?.log('MAD', 'W', `driver ${name}: dropped bad line (${line.reason}): ${line.excerpt}`);
      return;
    }
    if (line.type === 'log') {
      const vid = kind !== 'im' && line.id !== undefined ? { vid: line.id } : {};
      this.logSubject.next({ kind, mad: name, text: line.text, ...vid });
      return;
    }
    this.onReply(slot, line);
  }

  private onReply(slot: Slot, line: ReplyLine): void {
    const { name, kind } = slot.config;
    const pending = slot.inFlight.take(line.id, (p) => p.verb === line.verb && sameHook(p, line));
    // 1.4 logs such replies as "Ignored" too: one that came too late, or was never asked for.
    if (!pending) this.o.logger?.log('MAD', 'W', `driver ${name}: ignored ${line.verb} ${line.result} ${line.id ?? '-'}: no such request in flight`);
    const reply: DriverReply = { kind, mad: name, verb: line.verb, result: line.result, id: line.id, info: line.info, origin: 'driver', correlated: pending !== undefined };
    this.replySubject.next(reply);
    pending?.settle(reply);
  }

  private async onExit(slot: Slot, proc: DriverProcess): Promise<void> {
    if (slot.state !== 'running' || slot.process !== proc) return;
    const exit = await proc.waitExit();
    if (Date.now() - slot.startedAt >= this.o.stableAfterMs) slot.crashes = 0;
    slot.state = 'restarting';
    await this.relaunch(slot, `driver ${slot.config.name} exited (code ${exit.code}, signal ${exit.signal})`);
  }

  /** Starts a driver again with exponential back-off, up to maxRestarts; then it is given up. */
  private async relaunch(slot: Slot, why: string): Promise<void> {
    const { name } = slot.config;
    for (;;) {
      slot.crashes += 1;
      if (slot.crashes > this.o.maxRestarts) {
        this.markDead(slot, `Driver ${name} crashed and could not be restarted (${this.o.maxRestarts} attempts)`);
        return;
      }
      this.o.logger?.log('MAD', 'E', `${why}; restart ${slot.crashes}/${this.o.maxRestarts}, ${slot.inFlight.size} request(s) to re-send`);
      await sleep(this.o.restartBaseDelayMs * 2 ** (slot.crashes - 1));
      if (slot.state !== 'restarting') return; // stopped meanwhile
      try {
        await this.launch(slot);
        return;
      } catch (err) {
        this.o.logger?.log('MAD', 'E', `driver ${name} restart failed: ${message(err)}`);
      }
    }
  }

  private markDead(slot: Slot, reason: string, state: 'dead' | 'stopped' = 'dead'): void {
    if (slot.state === 'dead' || slot.state === 'stopped') return;
    slot.state = state;
    slot.deadReason = reason;
    if (state === 'dead') this.o.logger?.log('MAD', 'E', reason);
    for (const pending of slot.inFlight.takeAll()) {
      const reply = this.synthetic(slot.config.kind, slot.config.name, pending.verb, pending.id, reason);
      this.replySubject.next(reply);
      pending.settle(reply);
    }
  }

  private synthetic(kind: MadConfig['kind'], mad: string, verb: string, id: number, info: string): DriverReply {
    return { kind, mad, verb, result: 'FAILURE', id, info, origin: 'manager', correlated: true };
  }
}

/** Hook replies carry the hook name first; match on it so two hooks of one VM don't cross. */
const sameHook = (p: Pending, line: ReplyLine): boolean =>
  p.verb !== 'EXECUTE' || p.args[0] === undefined || line.info.split(' ')[0] === p.args[0];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
