import { domainError, ErrorCode } from '../../events/domain-error.ts';
import type { UserEvent } from '../../events/user-events.ts';
import { accept, reject, type Decider, type Decision } from '../decider.ts';

/** Commands of one user stream. Name uniqueness across users is the caller's job. */
export type UserCommand =
  | { readonly type: 'AllocateUser'; readonly uid: number; readonly name: string; readonly passwordHash: string }
  | { readonly type: 'DeleteUser' }
  | { readonly type: 'SetUserPassword'; readonly passwordHash: string }
  | { readonly type: 'EnableUser'; readonly enable: boolean };

export type UserState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'deleted';
      readonly uid: number;
      readonly name: string;
      readonly passwordHash: string;
      readonly enabled: boolean;
    };

/** Users have no side effects towards drivers. */
export type UserEffect = never;

export const ONEADMIN_UID = 0;

// Names end up in session strings (`name:token`) and in XML; keep them plain.
const VALID_NAME = /^[^\s:<>&"']{1,128}$/;
// A finished hash looks like `scrypt$…`; anything short or with blanks is a bug upstream.
const VALID_HASH = /^\S{16,512}$/;

const missing = (): Decision<UserEvent> => reject(domainError(ErrorCode.NO_EXISTS, 'User does not exist'));

function decide(state: UserState, command: UserCommand): Decision<UserEvent> {
  switch (command.type) {
    case 'AllocateUser':
      if (state.status !== 'none') return reject(domainError(ErrorCode.ALLOCATE, 'Existing user, cannot duplicate'));
      if (!Number.isInteger(command.uid) || command.uid < 0) {
        return reject(domainError(ErrorCode.XML_RPC_API, 'Invalid user id'));
      }
      if (!VALID_NAME.test(command.name)) return reject(domainError(ErrorCode.XML_RPC_API, 'Invalid user name'));
      if (!VALID_HASH.test(command.passwordHash)) {
        return reject(domainError(ErrorCode.XML_RPC_API, 'Invalid password'));
      }
      return accept({ type: 'UserAllocated', uid: command.uid, name: command.name, passwordHash: command.passwordHash, secrets: SECRETS });
    case 'DeleteUser':
      if (state.status !== 'active') return missing();
      if (state.uid === ONEADMIN_UID) {
        return reject(domainError(ErrorCode.ACTION, 'User oneadmin cannot be deleted'));
      }
      return accept({ type: 'UserDeleted', uid: state.uid });
    case 'SetUserPassword':
      if (state.status !== 'active') return missing();
      if (!VALID_HASH.test(command.passwordHash)) {
        return reject(domainError(ErrorCode.XML_RPC_API, 'Invalid password'));
      }
      return accept({ type: 'UserPasswordChanged', uid: state.uid, passwordHash: command.passwordHash, secrets: SECRETS });
    case 'EnableUser':
      if (state.status !== 'active') return missing();
      if (!command.enable && state.uid === ONEADMIN_UID) {
        return reject(domainError(ErrorCode.ACTION, 'User oneadmin cannot be disabled'));
      }
      if (state.enabled === command.enable) return accept(); // idempotent: nothing to record
      return accept(command.enable ? { type: 'UserEnabled', uid: state.uid } : { type: 'UserDisabled', uid: state.uid });
  }
}

/** Marks the password hash as a secret of the event: see src/store/secret-fields.ts. */
const SECRETS: readonly string[] = ['passwordHash'];

function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserAllocated':
      return { status: 'active', uid: event.uid, name: event.name, passwordHash: event.passwordHash, enabled: true };
    case 'UserDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    case 'UserPasswordChanged':
      return state.status === 'none' ? state : { ...state, passwordHash: event.passwordHash };
    case 'UserEnabled':
      return state.status === 'none' ? state : { ...state, enabled: true };
    case 'UserDisabled':
      return state.status === 'none' ? state : { ...state, enabled: false };
  }
}

export const userDecider: Decider<UserState, UserCommand, UserEvent, UserEffect> = {
  initialState: { status: 'none' },
  decide,
  evolve,
  effects: () => [],
  reconcile: () => [],
};
