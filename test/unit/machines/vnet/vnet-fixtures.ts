import type { VnetEvent } from '../../../../src/events/vnet-events.ts';
import { parseIpv4 } from '../../../../src/machines/vnet/ip.ts';
import type { CreateVnet, VnetCommand } from '../../../../src/machines/vnet/vnet-commands.ts';
import { vnetDecider } from '../../../../src/machines/vnet/vnet-decider.ts';
import type { VnetStreamState } from '../../../../src/machines/vnet/vnet-state.ts';

export const ip = (text: string): number => {
  const n = parseIpv4(text);
  if (n === undefined) throw new Error(`bad test ip ${text}`);
  return n;
};

export const rangedCommand = (over: Partial<CreateVnet> = {}): CreateVnet => ({
  type: 'CreateVnet',
  nid: 0,
  uid: 0,
  name: 'private',
  netType: 0,
  bridge: 'br0',
  public: false,
  template: { NAME: 'private' },
  macPrefix: 3,
  range: { base: ip('10.0.0.0'), size: 256 },
  ...over,
});

export const fixedCommand = (over: Partial<CreateVnet> = {}): CreateVnet => ({
  type: 'CreateVnet',
  nid: 1,
  uid: 0,
  name: 'public',
  netType: 1,
  bridge: 'eth0',
  public: false,
  template: {},
  macPrefix: 3,
  fixedLeases: [{ ip: '130.10.0.3' }, { ip: '130.10.0.1', mac: '50:20:20:20:20:21' }, { ip: '130.10.0.2' }],
  ...over,
});

/** Decide then evolve, as the actor does after a commit; throws on rejection. */
export function run(state: VnetStreamState, command: VnetCommand, log?: VnetEvent[]): VnetStreamState {
  const d = vnetDecider.decide(state, command);
  if (!d.ok) throw new Error(`${command.type} rejected: ${d.error.message}`);
  log?.push(...d.events);
  return d.events.reduce(vnetDecider.evolve, state);
}
