/**
 * Hook runs (spec §11.1), stream `hook/<vid>`. A run is queued in the same
 * append as the VM transition that fires it, so a crash can never lose it;
 * it is marked started before the driver runs it, so a crash can never make
 * it run twice (a started run found after a restart is marked interrupted).
 */
export type HookOn = 'CREATE' | 'RUNNING' | 'SHUTDOWN' | 'STOP' | 'DONE' | 'FAILED';

export interface HookRun {
  /** Unique in its stream: 0, 1, 2 … */
  readonly run: number;
  readonly name: string;
  readonly on: HookOn;
  readonly command: string;
  /** The argument words, shell-quoted into one readable string (for logs and audits). */
  readonly arguments: string;
  /**
   * The argument words after `$` substitution, exactly as the command gets
   * them. Runs recorded before words existed have none: their `arguments`
   * is then split as one_hm used to (see hook-service.ts).
   */
  readonly words?: readonly string[];
  /** Host to run on over ssh, or undefined for the front-end. */
  readonly host?: string;
}

export interface HookQueued {
  readonly type: 'HookQueued';
  readonly vid: number;
  readonly runs: readonly HookRun[];
}

export interface HookStarted {
  readonly type: 'HookStarted';
  readonly run: number;
}

export interface HookFinished {
  readonly type: 'HookFinished';
  readonly run: number;
  readonly success: boolean;
  /** What the hook driver said (exit code or error). */
  readonly info: string;
}

export interface HookInterrupted {
  readonly type: 'HookInterrupted';
  readonly run: number;
}

export type HookEvent = HookQueued | HookStarted | HookFinished | HookInterrupted;
