/**
 * Events of the `user/<id>` stream. The password is only ever present as a
 * finished salted hash (computed at the RPC edge), never as the SHA-1 token.
 */
export interface UserAllocated {
  readonly type: 'UserAllocated';
  readonly uid: number;
  readonly name: string;
  readonly passwordHash: string;
  /** Names the secret field: the chain hashes its digest and readers outside oned see only that (src/store/secret-fields.ts). Absent in events written before. */
  readonly secrets?: readonly string[];
}

export interface UserDeleted {
  readonly type: 'UserDeleted';
  readonly uid: number;
}

export interface UserPasswordChanged {
  readonly type: 'UserPasswordChanged';
  readonly uid: number;
  readonly passwordHash: string;
  readonly secrets?: readonly string[];
}

export interface UserEnabled {
  readonly type: 'UserEnabled';
  readonly uid: number;
}

export interface UserDisabled {
  readonly type: 'UserDisabled';
  readonly uid: number;
}

export type UserEvent = UserAllocated | UserDeleted | UserPasswordChanged | UserEnabled | UserDisabled;

export const USER_EVENT_TYPES: readonly UserEvent['type'][] = [
  'UserAllocated',
  'UserDeleted',
  'UserPasswordChanged',
  'UserEnabled',
  'UserDisabled',
];

export const isUserEvent = (e: { readonly type: string }): e is UserEvent =>
  (USER_EVENT_TYPES as readonly string[]).includes(e.type);
