/**
 * Past-tense facts about one VM (stream `vm/<id>`). Every event carries the
 * time it happened (`now`, epoch seconds) and every value evolve needs that
 * is not already in the VM state, so a replay never needs the command.
 *
 * Stored event types are never renamed; change a shape only with a version
 * field and an upcaster.
 */

/** Capacity a VM asks of a host (spec §5.3): cpu in % of a core, mem/disk in KB. */
export interface VmRequirement {
  readonly cpu: number;
  readonly mem: number;
  readonly disk: number;
}

/** Where a history record places the VM (spec §9.4). */
export interface VmPlacement {
  /** History record number; the first record is 0. */
  readonly seq: number;
  readonly hid: number;
  readonly hostname: string;
  readonly vmDir: string;
  readonly vmMad: string;
  readonly tmMad: string;
}

interface At {
  readonly now: number;
}

interface WithInfo extends At {
  /** Driver message text, for the VM log. */
  readonly info: string;
}

// ── user and scheduler actions (spec §2.3, §2.8) ───────────────────────────
export interface VmAllocated extends At {
  readonly type: 'VmAllocated';
  readonly vid: number;
  readonly uid: number;
  readonly name: string;
  /** Parsed template, opaque to the machines. */
  readonly template: unknown;
  readonly requirement: VmRequirement;
}
/** PENDING → ACTIVE/PROLOG (or PROLOG_RESUME when `resume`); new history record. */
export interface VmDeployed extends At, VmPlacement {
  readonly type: 'VmDeployed';
  readonly resume: boolean;
}
/** RUNNING → SAVE_MIGRATE (cold) or MIGRATE (live); new history record on the target. */
export interface VmMigrationStarted extends At, VmPlacement {
  readonly type: 'VmMigrationStarted';
  readonly live: boolean;
}
export interface VmShutdownRequested extends At { readonly type: 'VmShutdownRequested' }
export interface VmCancelRequested extends At { readonly type: 'VmCancelRequested' }
export interface VmStopRequested extends At { readonly type: 'VmStopRequested' }
export interface VmSuspendRequested extends At { readonly type: 'VmSuspendRequested' }
export interface VmHeld extends At { readonly type: 'VmHeld' }
export interface VmReleased extends At { readonly type: 'VmReleased' }
/** STOPPED → PENDING: the scheduler will place it again (PROLOG_RESUME). */
export interface VmResumedToPending extends At { readonly type: 'VmResumedToPending' }
/** SUSPENDED → ACTIVE/BOOT on the same host; the placement copies the last record. */
export interface VmRestoreStarted extends At, VmPlacement { readonly type: 'VmRestoreStarted' }
/** UNKNOWN or BOOT → BOOT; DEPLOY is sent again to the same host. */
export interface VmRestarted extends At { readonly type: 'VmRestarted' }
/** `finalize` of a VM that is not ACTIVE → DONE. */
export interface VmFinalized extends At { readonly type: 'VmFinalized' }
/** An ACTIVE VM was torn down (LCM DELETE, spec §2.5); followed by VmDone or VmResubmitted. */
export interface VmCleanedUp extends At {
  readonly type: 'VmCleanedUp';
  readonly cause: 'finalize' | 'resubmit';
}
/** DM DONE after a life-cycle end (epilog, cancel, delete). */
export interface VmDone extends At { readonly type: 'VmDone' }
/** → PENDING (2.2 resubmit). */
export interface VmResubmitted extends At { readonly type: 'VmResubmitted' }
/**
 * The scheduler's one-line reason why a PENDING VM is not placed yet
 * (`SCHED_MESSAGE`); '' clears it. Appended only when the text changes.
 */
export interface VmSchedMessageSet extends At {
  readonly type: 'VmSchedMessageSet';
  readonly message: string;
}

// ── driver replies (spec §2.4) ──────────────────────────────────────────────
export interface VmPrologSucceeded extends At { readonly type: 'VmPrologSucceeded' }
/** Followed by VmFailed. */
export interface VmPrologFailed extends WithInfo { readonly type: 'VmPrologFailed' }
/** BOOT → RUNNING. `deployId` is set when the reply was to DEPLOY. */
export interface VmBooted extends At {
  readonly type: 'VmBooted';
  readonly deployId?: string;
}
/** Followed by VmFailed. */
export interface VmBootFailed extends WithInfo { readonly type: 'VmBootFailed' }
/** Live migration done: MIGRATE → RUNNING on the target. */
export interface VmMigrated extends At {
  readonly type: 'VmMigrated';
  readonly deployId?: string;
}
/** Live or cold migration failed: back to RUNNING on the source, in a new record. */
export interface VmMigrationAborted extends WithInfo, VmPlacement { readonly type: 'VmMigrationAborted' }
export interface VmShutdownSucceeded extends At { readonly type: 'VmShutdownSucceeded' }
export interface VmShutdownFailed extends WithInfo { readonly type: 'VmShutdownFailed' }
/** CANCEL succeeded; followed by VmDone. */
export interface VmCancelled extends At { readonly type: 'VmCancelled' }
export interface VmCancelFailed extends WithInfo { readonly type: 'VmCancelFailed' }
export interface VmSavedForMigration extends At { readonly type: 'VmSavedForMigration' }
export interface VmSavedForStop extends At { readonly type: 'VmSavedForStop' }
/** → SUSPENDED, after SAVE in SAVE_SUSPEND or a poll that found the domain paused. */
export interface VmSuspended extends At {
  readonly type: 'VmSuspended';
  readonly cause: 'save' | 'poll';
}
/** SAVE failed in SAVE_STOP/SAVE_SUSPEND: still RUNNING. */
export interface VmSaveFailed extends WithInfo { readonly type: 'VmSaveFailed' }
/** EPILOG_STOP succeeded → STOPPED. */
export interface VmStopped extends At { readonly type: 'VmStopped' }
/** EPILOG succeeded; followed by VmDone. */
export interface VmEpilogSucceeded extends At { readonly type: 'VmEpilogSucceeded' }
/** Followed by VmFailed. */
export interface VmEpilogFailed extends WithInfo { readonly type: 'VmEpilogFailed' }
/** Poll found the domain in error (STATE=e); followed by VmFailed. */
export interface VmCrashed extends At { readonly type: 'VmCrashed' }
/** Poll found no domain (STATE=d): → UNKNOWN. */
export interface VmLost extends At { readonly type: 'VmLost' }
/** Poll found the domain running again (STATE=a) while UNKNOWN. */
export interface VmFound extends At { readonly type: 'VmFound' }
/** 1.4 failure_action: current record closed with ERROR, → FAILED. */
export interface VmFailed extends At { readonly type: 'VmFailed' }

export type VmEvent =
  | VmAllocated
  | VmDeployed
  | VmMigrationStarted
  | VmShutdownRequested
  | VmCancelRequested
  | VmStopRequested
  | VmSuspendRequested
  | VmHeld
  | VmReleased
  | VmResumedToPending
  | VmRestoreStarted
  | VmRestarted
  | VmFinalized
  | VmCleanedUp
  | VmDone
  | VmResubmitted
  | VmSchedMessageSet
  | VmPrologSucceeded
  | VmPrologFailed
  | VmBooted
  | VmBootFailed
  | VmMigrated
  | VmMigrationAborted
  | VmShutdownSucceeded
  | VmShutdownFailed
  | VmCancelled
  | VmCancelFailed
  | VmSavedForMigration
  | VmSavedForStop
  | VmSuspended
  | VmSaveFailed
  | VmStopped
  | VmEpilogSucceeded
  | VmEpilogFailed
  | VmCrashed
  | VmLost
  | VmFound
  | VmFailed;

export type VmEventType = VmEvent['type'];

/** Every VM event type, for codecs and exhaustiveness checks. */
export const vmEventTypes: readonly VmEventType[] = [
  'VmAllocated', 'VmDeployed', 'VmMigrationStarted', 'VmShutdownRequested', 'VmCancelRequested',
  'VmStopRequested', 'VmSuspendRequested', 'VmHeld', 'VmReleased', 'VmResumedToPending',
  'VmRestoreStarted', 'VmRestarted', 'VmFinalized', 'VmCleanedUp', 'VmDone', 'VmResubmitted',
  'VmPrologSucceeded', 'VmPrologFailed', 'VmBooted', 'VmBootFailed', 'VmMigrated',
  'VmMigrationAborted', 'VmShutdownSucceeded', 'VmShutdownFailed', 'VmCancelled',
  'VmCancelFailed', 'VmSavedForMigration', 'VmSavedForStop', 'VmSuspended', 'VmSaveFailed',
  'VmStopped', 'VmEpilogSucceeded', 'VmEpilogFailed', 'VmCrashed', 'VmLost', 'VmFound', 'VmFailed',
  'VmSchedMessageSet',
];

export const isVmEvent = (e: { type: string }): e is VmEvent =>
  (vmEventTypes as readonly string[]).includes(e.type);
