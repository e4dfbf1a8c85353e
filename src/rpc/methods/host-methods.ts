import { invalidHostNameMessage, isValidHostName } from '../../inputs/host-name.ts';
import { hostDocument } from '../documents/host-document.ts';
import { hostPoolText } from '../documents/pool-pieces.ts';
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

const DRIVER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const allocate = defineMethod(
  'one.host.allocate',
  'RequestManagerHostAllocate',
  ['string', 'string', 'string', 'string'],
  async (ctx, caller, name, im, vmm, tm) => {
    if (caller !== ONEADMIN) return failure(onlyOneadmin('add hosts'));
    // The drivers' own rule: host names reach ssh command lines and hook arguments.
    if (!isValidHostName(name)) return failure(badParameter(invalidHostNameMessage(name)));
    for (const mad of [im, vmm, tm]) {
      if (!DRIVER_NAME.test(mad)) return failure(badParameter(`Invalid driver name "${mad}"`));
    }
    return answer(await ctx.core.allocateHost(caller, name, im, vmm, tm), (hid) => hid);
  },
);

const info = defineMethod('one.host.info', 'RequestManagerHostInfo', ['int'], (ctx, _caller, hid) => {
  const host = ctx.core.host(hid);
  return host ? success(hostDocument(host)) : failure(noSuch('host', hid));
});

const remove = defineMethod('one.host.delete', 'RequestManagerHostDelete', ['int'], async (ctx, caller, hid) => {
  if (caller !== ONEADMIN) return failure(onlyOneadmin('delete hosts'));
  if (!ctx.core.host(hid)) return failure(noSuch('host', hid));
  return answer(await ctx.core.deleteHost(caller, hid), () => hid);
});

const enable = defineMethod(
  'one.host.enable',
  'RequestManagerHostEnable',
  ['int', 'boolean'],
  async (ctx, caller, hid, on) => {
    if (caller !== ONEADMIN) return failure(onlyOneadmin('enable hosts'));
    if (!ctx.core.host(hid)) return failure(noSuch('host', hid));
    return answer(await ctx.core.enableHost(caller, hid, on), () => hid);
  },
);

const poolInfo = defineMethod('one.hostpool.info', 'RequestManagerHostPoolInfo', [], (ctx) =>
  success(hostPoolText(ctx.core.hosts())),
);

export const hostMethods: readonly RpcMethod[] = [allocate, info, remove, enable, poolInfo];
