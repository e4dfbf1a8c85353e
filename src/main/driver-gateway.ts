import type { DriverGateway } from '../actors/ports.ts';
import type { DriverManager } from '../drivers/driver-manager.ts';

/** Presents the driver manager to the runtime as the narrow DriverGateway port. */
export function driverGateway(manager: DriverManager): DriverGateway {
  return {
    has: (mad) => manager.has(mad),
    request: async (mad, verb, id, args) => {
      const reply = await manager.request(mad, verb, id, args);
      return { verb: reply.verb, success: reply.result === 'SUCCESS', id: reply.id ?? id, info: reply.info };
    },
    notify: (mad, verb, args) => void manager.notify(mad, [verb, ...args].join(' ')),
  };
}
