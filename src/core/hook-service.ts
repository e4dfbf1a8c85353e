import type { HookConfig } from '../config/oned-config.ts';
import type { HookOn, HookRun } from '../events/hook-events.ts';
import { interruptedRuns, type HookState } from '../machines/hook/hook-decider.ts';
import { LcmState, VmState as Dm } from '../machines/state-codes.ts';
import type { VmState } from '../machines/vm/vm-types.ts';
import { hookArgumentWords } from '../template/hook-arguments.ts';
import { quoteWord, splitWords } from '../inputs/shell-words.ts';
import type { Template } from '../template/template.ts';
import { Mailbox } from '../actors/mailbox.ts';
import type { CoreContext } from './core-context.ts';
import type { WriteRetry } from './write-retry.ts';

/** The (DM, LCM) pair a hook fires on, entered from any other pair (spec §11.1). */
function firedOn(before: VmState, after: VmState): HookOn | undefined {
  if (before.id === -1 && after.id !== -1) return 'CREATE';
  if (before.state === after.state && before.lcm === after.lcm) return undefined;
  if (after.state === Dm.ACTIVE && after.lcm === LcmState.RUNNING) return 'RUNNING';
  if (after.state === Dm.ACTIVE && after.lcm === LcmState.EPILOG) return 'SHUTDOWN';
  if (after.state === Dm.STOPPED) return 'STOP';
  if (after.state === Dm.DONE) return 'DONE';
  if (after.state === Dm.FAILED) return 'FAILED';
  return undefined;
}

/**
 * The words a run passes to its command. A run recorded before runs carried
 * words has only its (already substituted) `arguments` text: split it as
 * one_hm used to, `-` standing for none (spec §4.7).
 */
function wordsOf(run: HookRun): readonly string[] {
  if (run.words) return run.words;
  const words = splitWords(run.arguments === '' ? '-' : run.arguments);
  return Array.isArray(words) ? words : ['-'];
}

/**
 * VM_HOOKs: which runs a VM transition queues (pure planning, done inside the
 * transition's own transaction) and how queued runs reach the hook driver.
 */
export class HookService {
  /** One run at a time per VM: the hook driver's replies are keyed by VM id. */
  private readonly lanes = new Map<number, Mailbox>();

  constructor(
    private readonly ctx: CoreContext,
    /** Start and Finish are retried while the log cannot be written (a full disk). */
    private readonly retry: WriteRetry,
  ) {}

  plan(before: VmState, after: VmState): Omit<HookRun, 'run'>[] {
    const on = firedOn(before, after);
    if (!on || !this.ctx.config.hmMad) return [];
    const template = after.template as Template;
    const host = after.history[after.history.length - 1]?.hostname;
    return this.ctx.config.vmHooks
      .filter((h: HookConfig) => h.on === on && (!h.remote || host !== undefined))
      .flatMap((h: HookConfig) => {
        // Split first, then substitute inside each word: a value never adds, removes or merges words.
        const split = hookArgumentWords(h.arguments, template);
        // Unreachable in practice: oned.conf refuses arguments with an unterminated quote.
        if (!Array.isArray(split)) return [];
        // As in 1.4, a hook without arguments gets one literal `-` (spec §4.7).
        const words = split.length === 0 ? ['-'] : split;
        return [{
          name: h.name,
          on,
          command: h.command,
          arguments: words.map(quoteWord).join(' '),
          words,
          ...(h.remote ? { host } : {}),
        }];
      });
  }

  /** Effect of HookQueued: start, run through the HM driver, record the outcome. */
  run(vid: number, hook: HookRun): void {
    const lane = this.lanes.get(vid) ?? new Mailbox();
    this.lanes.set(vid, lane);
    void lane.run(async () => {
      // A run not started before the stop stays queued; the restart runs it.
      if (this.ctx.lifecycle.stopping) return;
      const started = await this.retry.submit(`VM ${vid}: start of hook ${hook.name}`, () =>
        this.ctx.system.execute('hook', vid, { type: 'Start', run: hook.run }, { cause: 'hook' }),
      );
      if (!started?.ok) return;
      const mad = this.ctx.config.hmMad!.name;
      const reply = await this.ctx.drivers.request(mad, 'EXECUTE', vid, [hook.name, hook.host ?? 'LOCAL', hook.command, ...wordsOf(hook)]);
      // Cut off by the stop: whether it ran is unknown, so it stays started and the restart reports it interrupted.
      if (this.ctx.lifecycle.stopping) return;
      const level = reply.success ? 'I' : 'E';
      this.ctx.logger.vmLog(vid, 'HKM', level, `Hook ${hook.name} (${hook.on}) ${reply.success ? 'succeeded' : 'failed'}: ${reply.info}`);
      await this.retry.submit(`VM ${vid}: result of hook ${hook.name}`, () =>
        this.ctx.system.execute('hook', vid, { type: 'Finish', run: hook.run, success: reply.success, info: reply.info }, { cause: 'driver:hm' }),
      );
    }).finally(() => {
      if (lane.depth === 0) this.lanes.delete(vid);
    });
  }

  /** After a restart: runs that had started may or may not have run; say so instead of repeating them. */
  async closeInterrupted(): Promise<number> {
    let closed = 0;
    for (const actor of this.ctx.system.all('hook')) {
      const state = actor.state as HookState;
      for (const run of interruptedRuns(state)) {
        this.ctx.logger.vmLog(state.vid, 'HKM', 'W', `Hook run ${run} was interrupted by an oned restart; not repeated`);
        await this.ctx.system.execute('hook', state.vid, { type: 'Interrupt', run }, { cause: 'restart' });
        closed++;
      }
    }
    return closed;
  }
}
