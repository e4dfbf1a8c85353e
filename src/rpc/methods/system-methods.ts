import { badParameter, defineMethod, failure, ONEADMIN, onlyOneadmin, success, type RpcMethod } from './method.ts';

export const ONE_TS_VERSION = '1.4.0-one-ts';

const MAX_EVENTS = 10_000;
const MAX_WAIT_MS = 60_000;

const version = defineMethod('one.system.version', 'RequestManagerVersion', [], () => success(ONE_TS_VERSION));

/**
 * Long-poll of the committed event feed for mm_sched, hooks and audit
 * tools. Answers a JSON array of StoredEvent objects
 * (`{seq, stream, version, event:{type,…}, ts, meta, hash}`) with seq > afterSeq.
 */
const poll = defineMethod(
  'one.event.poll',
  'RequestManagerEventPoll',
  ['int', 'int', 'int'],
  async (ctx, caller, afterSeq, maxEvents, timeoutMs) => {
    if (caller !== ONEADMIN) return failure(onlyOneadmin('poll events'));
    if (afterSeq < 0) return failure(badParameter('afterSeq must be >= 0'));
    if (maxEvents < 1 || maxEvents > MAX_EVENTS) return failure(badParameter(`maxEvents must be 1..${MAX_EVENTS}`));
    if (timeoutMs < 0 || timeoutMs > MAX_WAIT_MS) return failure(badParameter(`timeoutMs must be 0..${MAX_WAIT_MS}`));
    // Served with password hashes as the digests the chain hashes (src/store/secret-fields.ts).
    return success(JSON.stringify(await ctx.core.pollEvents(afterSeq, maxEvents, timeoutMs)));
  },
);

/** Seq of the newest committed event (0: empty log), so that a follower of one.event.poll can start at the present. */
const tip = defineMethod('one.event.tip', 'RequestManagerEventTip', [], (ctx, caller) =>
  caller === ONEADMIN ? success(ctx.core.lastEventSeq()) : failure(onlyOneadmin('read the event log position')),
);

export const systemMethods: readonly RpcMethod[] = [version, poll, tip];
