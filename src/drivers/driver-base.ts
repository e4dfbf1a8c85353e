import type { Readable, Writable } from 'node:stream';
import { ActionRunner } from './action-runner.ts';
import { formatLog, formatReply } from './protocol/format-line.ts';
import type { DriverResult } from './protocol/driver-message.ts';
import { LineSplitter } from './protocol/line-splitter.ts';
import { parseRequestLine } from './protocol/parse-line.ts';

export interface ActionContext {
  /** Aborted by DRIVER_CANCEL <id> or when the core goes away. */
  readonly signal: AbortSignal;
  /** `LOG - <id> <text>`, one line per line of text. */
  log(text: string): void;
}

export interface ActionOutcome {
  readonly result: DriverResult;
  readonly info?: string;
}

export interface ActionSpec {
  /** Arguments after the id: [min, max]. Ruby drivers insist on the exact count. */
  readonly arity: readonly [number, number];
  run(id: number, args: readonly string[], ctx: ActionContext): Promise<ActionOutcome>;
}

export interface DriverBaseOptions {
  readonly actions: Readonly<Record<string, ActionSpec>>;
  readonly concurrency: number;
  readonly input?: Readable;
  readonly output?: Writable;
}

/**
 * What every TypeScript driver program shares: read stdin lines, answer
 * INIT, run up to `-t` actions concurrently, write whole reply lines, honour
 * DRIVER_CANCEL and FINALIZE.
 */
export class DriverBase {
  private readonly runner: ActionRunner;
  private readonly output: Writable;

  constructor(private readonly options: DriverBaseOptions) {
    this.runner = new ActionRunner(options.concurrency);
    this.output = options.output ?? process.stdout;
  }

  send(line: string): void {
    this.output.write(`${line}\n`);
  }

  log(id: number | undefined, text: string): void {
    for (const line of formatLog(id, text)) this.send(line);
  }

  /** Resolves after FINALIZE (running actions done) or end of input (running actions aborted). */
  run(): Promise<void> {
    const input = this.options.input ?? process.stdin;
    const splitter = new LineSplitter();
    input.setEncoding('utf8');
    return new Promise((resolve) => {
      let finished = false;
      const finish = (abort: boolean) => {
        if (finished) return;
        finished = true;
        input.removeAllListeners('data');
        void this.runner.drain(abort).then(resolve);
      };
      input.on('data', (chunk: string) => {
        for (const line of splitter.push(chunk)) {
          if (finished) return;
          if (typeof line !== 'string') this.log(undefined, `Ignoring bad input line: ${line.reason}`);
          else if (line === 'FINALIZE') finish(false);
          else this.onLine(line);
        }
      });
      input.on('end', () => finish(true));
      input.on('error', () => finish(true));
    });
  }

  private onLine(raw: string): void {
    const line = parseRequestLine(raw);
    if (line.type === 'malformed') {
      this.log(undefined, `Ignoring bad input line (${line.reason}): ${line.excerpt}`);
      return;
    }
    const { verb, args } = line;
    if (verb === 'INIT') return this.send('INIT SUCCESS - -');
    const idText = args[0] ?? '';
    const id = /^\d{1,15}$/.test(idText) ? Number(idText) : undefined;
    if (verb === 'DRIVER_CANCEL') {
      if (id !== undefined && this.runner.cancel(id)) this.log(id, `Driver command for ${id} cancelled`);
      return;
    }
    const action = this.options.actions[verb];
    if (id === undefined) return this.log(undefined, `Ignoring ${verb}: id "${idText}" is not a number`);
    if (!action) return this.send(formatReply(verb, 'FAILURE', id, `Unknown action ${verb}`));
    const rest = args.slice(1);
    const [min, max] = action.arity;
    if (rest.length < min || rest.length > max) {
      return this.send(formatReply(verb, 'FAILURE', id, `${verb} expects ${min === max ? min : `${min} to ${max}`} arguments after the id, got ${rest.length}`));
    }
    this.runner.submit({
      id,
      run: async (signal) => {
        const ctx: ActionContext = { signal, log: (text) => this.log(id, text) };
        let outcome: ActionOutcome;
        try {
          outcome = await action.run(id, rest, ctx);
        } catch (err) {
          outcome = { result: 'FAILURE', info: err instanceof Error ? err.message : String(err) };
        }
        if (!signal.aborted) this.send(formatReply(verb, outcome.result, id, outcome.info ?? ''));
      },
    });
  }
}
