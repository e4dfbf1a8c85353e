import type { SshSettings } from '../ssh/ssh-settings.ts';
import { LocationError, isInside, type PathLocation } from './location.ts';
import { localPlace, sshPlace, type Place } from './place.ts';

/** What every transfer command gets besides its arguments. */
export interface TmContext {
  /** This machine's host name: `frontend:path` arguments are handled locally. */
  readonly frontend: string;
  /** VM_DIR, the VM folders on the hosts (oned.conf). */
  readonly vmDir: string;
  /** oned's var dir on the front-end. */
  readonly varDir: string;
  readonly ssh: SshSettings;
  readonly signal: AbortSignal;
  log(text: string): void;
}

/** One verb of a command set: throws CommandFailed or LocationError when it cannot do its job. */
export type TmCommand = (args: readonly string[], ctx: TmContext) => Promise<void>;

export const placeOf = (loc: PathLocation, ctx: TmContext): Place => (loc.local ? localPlace : sshPlace(loc.host, ctx.ssh));

/**
 * Guard before anything is removed: DELETE only inside VM_DIR, and the
 * source MV removes only inside VM_DIR or the front-end's var dir. Scripts
 * come from oned, so this only matters for a bug or a hand-written script,
 * and `rm -rf` is where either would hurt most.
 */
export function checkRemovable(loc: PathLocation, dirs: readonly string[]): void {
  if (!dirs.some((dir) => isInside(loc.path, dir))) {
    throw new LocationError(`refusing to remove ${loc.host}:${loc.path}: not inside ${dirs.join(' or ')}`);
  }
}
