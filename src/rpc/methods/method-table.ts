import { hostMethods } from './host-methods.ts';
import type { RpcMethod } from './method.ts';
import { systemMethods } from './system-methods.ts';
import { userMethods } from './user-methods.ts';
import { vmMethods } from './vm-methods.ts';
import { vnetMethods } from './vnet-methods.ts';

/** Every XML-RPC method ONE-TS serves, by name. */
export const methodTable: ReadonlyMap<string, RpcMethod> = new Map(
  [...vmMethods, ...hostMethods, ...vnetMethods, ...userMethods, ...systemMethods].map((m) => [m.name, m]),
);
