import { domainError, ErrorCode } from '../../events/domain-error.ts';
import { userDocument, userPoolDocument } from '../documents/user-document.ts';
import {
  answer,
  badParameter,
  defineMethod,
  failure,
  noSuch,
  ONEADMIN,
  onlyOneadmin,
  success,
  type RpcMethod,
} from './method.ts';

// Names go into `name:token` session strings and XML; keep them plain.
const USER_NAME = /^[^\s:<>&"']{1,128}$/;
// The token is what clients put after the colon (SHA-1 hex in 1.4); any non-blank string.
const TOKEN = /^\S{1,1024}$/;

const allocate = defineMethod(
  'one.user.allocate',
  'RequestManagerUserAllocate',
  ['string', 'string'],
  async (ctx, caller, name, token) => {
    if (caller !== ONEADMIN) return failure(onlyOneadmin('add users'));
    if (!USER_NAME.test(name)) return failure(badParameter(`Invalid user name "${name}"`));
    if (!TOKEN.test(token)) return failure(badParameter('Invalid password'));
    if (ctx.core.userByName(name)) return failure(domainError(ErrorCode.ALLOCATE, 'Existing user, cannot duplicate'));
    const hash = await ctx.hashPassword(token);
    return answer(await ctx.core.allocateUser(caller, name, hash), (uid) => uid);
  },
);

const info = defineMethod('one.user.info', 'RequestManagerUserInfo', ['int'], (ctx, caller, uid) => {
  if (caller !== ONEADMIN) return failure(onlyOneadmin('get user information'));
  const user = ctx.core.user(uid);
  return user ? success(userDocument(user)) : failure(noSuch('user', uid));
});

const remove = defineMethod('one.user.delete', 'RequestManagerUserDelete', ['int'], async (ctx, caller, uid) => {
  if (caller !== ONEADMIN) return failure(onlyOneadmin('delete users'));
  if (uid === ONEADMIN) return failure(domainError(ErrorCode.ACTION, 'User oneadmin cannot be deleted'));
  if (!ctx.core.user(uid)) return failure(noSuch('user', uid));
  return answer(await ctx.core.deleteUser(caller, uid), () => uid);
});

/** 2.0: oneadmin, or a user changing their own password. */
const passwd = defineMethod(
  'one.user.passwd',
  'RequestManagerUserChangePassword',
  ['int', 'string'],
  async (ctx, caller, uid, token) => {
    if (caller !== ONEADMIN && caller !== uid) {
      return failure(domainError(ErrorCode.AUTHORIZATION, `User not authorized to perform operation upon User [${uid}]`));
    }
    if (!TOKEN.test(token)) return failure(badParameter('Invalid password'));
    if (!ctx.core.user(uid)) return failure(noSuch('user', uid));
    const hash = await ctx.hashPassword(token);
    return answer(await ctx.core.setUserPassword(caller, uid, hash), () => uid);
  },
);

const enable = defineMethod(
  'one.user.enable',
  'RequestManagerUserEnable',
  ['int', 'boolean'],
  async (ctx, caller, uid, on) => {
    if (caller !== ONEADMIN) return failure(onlyOneadmin('enable users'));
    if (uid === ONEADMIN && !on) return failure(domainError(ErrorCode.ACTION, 'User oneadmin cannot be disabled'));
    if (!ctx.core.user(uid)) return failure(noSuch('user', uid));
    return answer(await ctx.core.enableUser(caller, uid, on), () => uid);
  },
);

const poolInfo = defineMethod('one.userpool.info', 'RequestManagerUserPoolInfo', [], (ctx, caller) => {
  if (caller !== ONEADMIN) return failure(onlyOneadmin('list users'));
  return success(userPoolDocument(ctx.core.users()));
});

export const userMethods: readonly RpcMethod[] = [allocate, info, remove, passwd, enable, poolInfo];
