import { domainError, ErrorCode } from '../events/domain-error.ts';
import { ONEADMIN_UID, type UserState } from '../machines/user/user-decider.ts';
import type { Result } from '../rpc/core-port.ts';
import type { UserView } from '../rpc/views.ts';
import type { CoreContext } from './core-context.ts';
import { outcome } from './outcome.ts';
import { userView } from './state-views.ts';

type ActiveUser = Extract<UserState, { status: 'active' | 'deleted' }>;

/** Users (spec §3.2, §11.2): one `user/<id>` stream each; names unique. */
export class UserService {
  constructor(private readonly ctx: CoreContext) {}

  view(uid: number): UserView | undefined {
    const actor = this.ctx.system.get('user', uid);
    return actor && userView(actor.state as UserState | undefined, actor.version);
  }

  all(): UserView[] {
    return this.ctx.system.all('user').flatMap((a) => this.view((a.state as ActiveUser).uid) ?? []);
  }

  byName(name: string): UserView | undefined {
    return this.all().find((u) => u.name === name);
  }

  /** Name for listings; `-` for a user that is gone. */
  nameOf(uid: number): string {
    return this.view(uid)?.name ?? '-';
  }

  async allocate(callerUid: number, name: string, passwordHash: string, cause = 'one.user.allocate'): Promise<Result<number>> {
    if (this.byName(name)) return { ok: false, error: domainError(ErrorCode.ALLOCATE, 'Existing user, cannot duplicate') };
    // Ids are last + 1, so the first user ever (the bootstrap) is oneadmin, uid 0.
    return this.ctx.system.withNextId('user', async (uid): Promise<Result<number>> => {
      const r = await this.ctx.system.execute('user', uid, { type: 'AllocateUser', uid, name, passwordHash }, { uid: callerUid, cause });
      return r.ok ? { ok: true, value: uid } : r;
    });
  }

  delete(callerUid: number, uid: number): Promise<Result<void>> {
    return this.run(callerUid, uid, { type: 'DeleteUser' }, 'one.user.delete', () => this.ctx.system.forget('user', uid));
  }

  setPassword(callerUid: number, uid: number, passwordHash: string): Promise<Result<void>> {
    return this.run(callerUid, uid, { type: 'SetUserPassword', passwordHash }, 'one.user.passwd');
  }

  enable(callerUid: number, uid: number, enable: boolean): Promise<Result<void>> {
    return this.run(callerUid, uid, { type: 'EnableUser', enable }, 'one.user.enable');
  }

  private async run(callerUid: number, uid: number, command: object, cause: string, after?: () => void): Promise<Result<void>> {
    if (!this.view(uid)) return { ok: false, error: domainError(ErrorCode.NO_EXISTS, `Error getting user ${uid}`) };
    const r = outcome(await this.ctx.system.execute('user', uid, command, { uid: callerUid, cause }));
    if (r.ok) after?.();
    return r;
  }

  /** oneadmin exists (uid 0)? Used at start-up to decide on the bootstrap. */
  hasAdmin(): boolean {
    return this.view(ONEADMIN_UID) !== undefined;
  }
}
