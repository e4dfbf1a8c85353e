import { vnetDocument, vnetPoolDocument } from '../documents/vnet-document.ts';
import {
  answer,
  defineMethod,
  failure,
  noSuch,
  notAuthorized,
  onlyOneadmin,
  ONEADMIN,
  success,
  type MethodContext,
  type OneResponse,
  type RpcMethod,
} from './method.ts';

function checkOwner(ctx: MethodContext, caller: number, nid: number): OneResponse | undefined {
  const vnet = ctx.core.vnet(nid);
  if (!vnet) return failure(noSuch('virtual network', nid));
  if (caller !== ONEADMIN && vnet.uid !== caller) return failure(notAuthorized('VirtualNetwork', nid));
  return undefined;
}

/** 1.4 only looked at the user name here; now the full session is checked like everywhere else. */
const allocate = defineMethod(
  'one.vn.allocate',
  'RequestManagerVirtualNetworkAllocate',
  ['string'],
  async (ctx, caller, template) => answer(await ctx.core.allocateVnet(caller, template), (nid) => nid),
);

const info = defineMethod('one.vn.info', 'RequestManagerVirtualNetworkInfo', ['int'], (ctx, _caller, nid) => {
  const vnet = ctx.core.vnet(nid);
  return vnet ? success(vnetDocument(vnet)) : failure(noSuch('virtual network', nid));
});

/**
 * `(nid)`, or `(nid, force)`: a network with leases in use is refused (1.4
 * deleted it anyway) unless oneadmin forces it.
 */
const remove: RpcMethod = {
  name: 'one.vn.delete',
  requestName: 'RequestManagerVirtualNetworkDelete',
  signatures: [['int'], ['int', 'boolean']],
  invoke: async (ctx, caller, args) => {
    const nid = args[0] as number;
    const force = args.length === 2 && (args[1] as boolean);
    const refused = checkOwner(ctx, caller, nid);
    if (refused) return refused;
    if (force && caller !== ONEADMIN) return failure(onlyOneadmin('force the deletion of virtual networks'));
    return answer(await ctx.core.deleteVnet(caller, nid, force), () => nid);
  },
};

const publish = defineMethod(
  'one.vn.publish',
  'RequestManagerVirtualNetworkPublish',
  ['int', 'boolean'],
  async (ctx, caller, nid, on) => {
    const refused = checkOwner(ctx, caller, nid);
    if (refused) return refused;
    return answer(await ctx.core.publishVnet(caller, nid, on), () => nid);
  },
);

/** filter ≤ -2: every network; -1: the caller's; ≥ 0: that user's. */
const poolInfo = defineMethod(
  'one.vnpool.info',
  'RequestManagerVirtualNetworkPoolInfo',
  ['int'],
  (ctx, caller, filter) =>
    success(vnetPoolDocument(ctx.core.vnets(filter <= -2 ? undefined : filter === -1 ? caller : filter))),
);

export const vnetMethods: readonly RpcMethod[] = [allocate, info, remove, publish, poolInfo];
