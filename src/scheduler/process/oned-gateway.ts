import { XMLParser } from 'fast-xml-parser';
import { XmlRpcClient, type XmlRpcValue } from '../../rpc/client.ts';

/**
 * Everything mm_sched asks of oned, over XML-RPC and nothing else: the pools
 * it plans with, the committed event feed it follows, and the two writes it
 * makes (deploy, SCHED_MESSAGE). Documents become flat string records here,
 * so the rest of the scheduler never sees XML.
 */

/** A host as the 2.0 name lookup sees it: TEMPLATE, then HOST_SHARE, then HOST. */
export interface HostRecord {
  readonly id: number;
  readonly name: string;
  readonly state: number;
  readonly template: Readonly<Record<string, string>>;
  readonly share: Readonly<Record<string, string>>;
  readonly top: Readonly<Record<string, string>>;
}

export interface PendingVmRecord {
  readonly id: number;
  /** The VM's single-valued template attributes (CPU, MEMORY, REQUIREMENTS, RANK, SCHED_MESSAGE …). */
  readonly template: Readonly<Record<string, string>>;
}

/** One committed event as `one.event.poll` serves it; the scheduler reads only these fields. */
export interface FeedEvent {
  readonly seq: number;
  readonly stream: string;
  /** `hid` is there on the events that place a VM on a host (VmDeployed …). */
  readonly event: { readonly type: string; readonly hid?: number };
}

/** oned answered [false, message, code]: a refusal, not a transport failure. */
export class OnedRefusal extends Error {
  constructor(readonly method: string, message: string, readonly code: number) {
    super(message);
    this.name = 'OnedRefusal';
  }
}

const PENDING = 1;
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: true, htmlEntities: true });

export class OnedGateway {
  private readonly client: XmlRpcClient;

  constructor(endpoint: string, private readonly session: string) {
    this.client = new XmlRpcClient(endpoint, { timeoutMs: 90_000, maxSockets: 4 });
  }

  async hosts(): Promise<HostRecord[]> {
    const doc = parser.parse(await this.ask('one.hostpool.info', []) as string) as { HOST_POOL?: { HOST?: unknown } };
    return listOf(doc.HOST_POOL?.HOST).map(hostRecord);
  }

  async host(id: number): Promise<HostRecord> {
    const doc = parser.parse(await this.ask('one.host.info', [id]) as string) as { HOST?: unknown };
    return hostRecord(doc.HOST);
  }

  /** Every PENDING VM of every user, with its template (the 2.0 extended pool form). */
  async pendingVms(): Promise<PendingVmRecord[]> {
    const doc = parser.parse(await this.ask('one.vmpool.info', [-2, true, PENDING]) as string) as { VM_POOL?: { VM?: unknown } };
    return listOf(doc.VM_POOL?.VM).map((vm) => {
      const v = vm as Record<string, unknown>;
      return { id: Number(v.ID), template: leaves(v.TEMPLATE) };
    });
  }

  async deploy(vmId: number, hostId: number): Promise<void> {
    await this.ask('one.vm.deploy', [vmId, hostId]);
  }

  async setSchedMessage(vmId: number, message: string): Promise<void> {
    await this.ask('one.vm.schedmessage', [vmId, message]);
  }

  /** The seq of the newest committed event. */
  async tip(): Promise<number> {
    return (await this.ask('one.event.tip', [])) as number;
  }

  /** Events after `afterSeq`, waiting up to `waitMs` for the first one. */
  async poll(afterSeq: number, maxEvents: number, waitMs: number): Promise<FeedEvent[]> {
    return JSON.parse((await this.ask('one.event.poll', [afterSeq, maxEvents, waitMs])) as string) as FeedEvent[];
  }

  close(): void {
    this.client.close();
  }

  private async ask(method: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
    const answer = (await this.client.call(method, [this.session, ...params])) as [boolean, XmlRpcValue, number?];
    if (!answer[0]) throw new OnedRefusal(method, String(answer[1]), Number(answer[2] ?? 0));
    return answer[1];
  }
}

const listOf = (node: unknown): unknown[] => (node === undefined || node === '' ? [] : Array.isArray(node) ? node : [node]);

/** The single-valued children of an element; vectors (nested elements) are left out. */
function leaves(node: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (node === null || typeof node !== 'object') return out;
  for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) {
      const first = value.find((v) => typeof v === 'string');
      if (typeof first === 'string') out[name] = first;
    }
  }
  return out;
}

function hostRecord(node: unknown): HostRecord {
  const h = node as Record<string, unknown>;
  const top = leaves(h);
  return {
    id: Number(top.ID),
    name: top.NAME ?? '',
    state: Number(top.STATE),
    template: leaves(h.TEMPLATE),
    share: leaves(h.HOST_SHARE),
    top,
  };
}
