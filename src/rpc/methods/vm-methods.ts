import { domainError, ErrorCode } from '../../events/domain-error.ts';
import { schedMessageProblem } from '../../inputs/sched-message.ts';
import { VM_ACTIONS, type VmAction, type VmStateFilter } from '../core-port.ts';
import { vmPoolText } from '../documents/pool-pieces.ts';
import { vmDocument } from '../documents/vm-document.ts';
import {
  answer,
  badParameter,
  defineMethod,
  failure,
  noSuch,
  notAuthorized,
  ONEADMIN,
  onlyOneadmin,
  success,
  type MethodContext,
  type OneResponse,
  type RpcMethod,
} from './method.ts';

const PENDING = 1;
const ACTIVE = 3;
const DONE = 6;
const LCM_RUNNING = 3;

type Owned = { ok: true } | { ok: false; response: OneResponse };

/** 1.4 "owner" rule (§3.2): oneadmin or the VM's owner. */
function ownVm(ctx: MethodContext, caller: number, vid: number, missing = noSuch('virtual machine', vid)): Owned {
  const vm = ctx.core.vm(vid);
  if (!vm) return { ok: false, response: failure(missing) };
  if (caller !== ONEADMIN && vm.uid !== caller) return { ok: false, response: failure(notAuthorized('VirtualMachine', vid)) };
  return { ok: true };
}

const allocate = defineMethod('one.vm.allocate', 'RequestManagerAllocate', ['string'], async (ctx, caller, template) =>
  answer(await ctx.core.allocateVm(caller, template), (vid) => vid),
);

const deploy = defineMethod('one.vm.deploy', 'RequestManagerDeploy', ['int', 'int'], async (ctx, caller, vid, hid) => {
  const owned = ownVm(ctx, caller, vid);
  if (!owned.ok) return owned.response;
  if (!ctx.core.host(hid)) return failure(noSuch('host', hid));
  if (ctx.core.vm(vid)?.state !== PENDING) {
    return failure(domainError(ErrorCode.ACTION, `Can not deploy VM ${vid}, wrong state`));
  }
  return answer(await ctx.core.deployVm(caller, vid, hid), () => vid);
});

const action = defineMethod('one.vm.action', 'RequestManagerAction', ['string', 'int'], async (ctx, caller, verb, vid) => {
  if (!(VM_ACTIONS as readonly string[]).includes(verb)) return failure(badParameter('Unknown action'));
  const owned = ownVm(ctx, caller, vid, domainError(ErrorCode.NO_EXISTS, 'Virtual machine does not exist'));
  if (!owned.ok) return owned.response;
  return answer(await ctx.core.actOnVm(caller, vid, verb as VmAction), () => vid);
});

const migrate = defineMethod(
  'one.vm.migrate',
  'RequestManagerMigrate',
  ['int', 'int', 'boolean'],
  async (ctx, caller, vid, hid, live) => {
    const owned = ownVm(ctx, caller, vid);
    if (!owned.ok) return owned.response;
    if (!ctx.core.host(hid)) return failure(noSuch('host', hid));
    const vm = ctx.core.vm(vid);
    if (vm?.state !== ACTIVE || vm.lcmState !== LCM_RUNNING) {
      return failure(domainError(ErrorCode.ACTION, `Can not migrate VM ${vid}, wrong state`));
    }
    return answer(await ctx.core.migrateVm(caller, vid, hid, live), () => vid);
  },
);

/**
 * The scheduler's one-line reason why a PENDING VM is not placed, shown as
 * TEMPLATE/SCHED_MESSAGE. oneadmin only (mm_sched logs in as oneadmin).
 */
const schedMessage = defineMethod(
  'one.vm.schedmessage',
  'RequestManagerSchedMessage',
  ['int', 'string'],
  async (ctx, caller, vid, message) => {
    if (caller !== ONEADMIN) return failure(onlyOneadmin('set the scheduler message of a VM'));
    if (!ctx.core.vm(vid)) return failure(noSuch('virtual machine', vid));
    const problem = schedMessageProblem(message);
    if (problem) return failure(badParameter(problem));
    return answer(await ctx.core.setVmSchedMessage(caller, vid, message), () => vid);
  },
);

/** 1.4 left one.vm.info unauthenticated; here it needs a session, and any user may read any VM (§11.2). */
const info = defineMethod('one.vm.info', 'RequestManagerInfo', ['int'], (ctx, _caller, vid) => {
  const vm = ctx.core.vm(vid);
  return vm ? success(vmDocument(vm)) : failure(noSuch('virtual machine', vid));
});

/** filter ≤ -2: every user's VMs; -1: the caller's; ≥ 0: that user's. */
const ownerOf = (caller: number, filter: number): number | undefined =>
  filter <= -2 ? undefined : filter === -1 ? caller : filter;

/**
 * State filter of the 2.0 form, with the meaning the later OCA constants
 * give it (INFO_ALL_VM = -2, INFO_NOT_DONE = -1): -2 every VM including
 * DONE, -1 every VM but DONE, ≥ 0 exactly that DM state.
 */
function stateFilter(state: number): VmStateFilter | undefined {
  if (state === -2) return 'any';
  if (state === -1) return 'not-done';
  return state >= 0 && state <= DONE + 1 ? state : undefined;
}

/** Two signatures: 1.4 `(filter)` and 2.0 `(filter, extended, state)`. */
const poolInfo: RpcMethod = {
  name: 'one.vmpool.info',
  requestName: 'RequestManagerPoolInfo',
  signatures: [['int'], ['int', 'boolean', 'int']],
  invoke: async (ctx, caller, args) => {
    const filter = args[0] as number;
    const extended = args.length === 3 && (args[1] as boolean);
    const state = args.length === 3 ? stateFilter(args[2] as number) : 'not-done';
    if (state === undefined) return failure(badParameter(`Invalid VM state filter ${String(args[2])}`));
    const vms = ctx.core.vms({ uid: ownerOf(caller, filter), state });
    return success(vmPoolText(vms, extended));
  },
};

export const vmMethods: readonly RpcMethod[] = [allocate, deploy, action, migrate, schedMessage, info, poolInfo];
