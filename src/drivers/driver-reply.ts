import type { DriverResult } from './protocol/driver-message.ts';
import type { MadKind } from './mad-config.ts';

/** A reply as the runtime sees it, tagged with the driver it came from. */
export interface DriverReply {
  readonly kind: MadKind;
  readonly mad: string;
  readonly verb: string;
  readonly result: DriverResult;
  /** VM id (host id for IM); undefined when the driver wrote `-`. */
  readonly id: number | undefined;
  readonly info: string;
  /**
   * `driver`: the driver wrote it. `manager`: made up by the manager because
   * the request timed out, the driver could not be (re)started or the request
   * could not be written — always a FAILURE.
   */
  readonly origin: 'driver' | 'manager';
  /** True when this reply settled a `request()` promise. */
  readonly correlated: boolean;
}

/** A `LOG - <id> <text>` line. `vid` is set for VMM/TM/HM logs with a numeric id. */
export interface DriverLog {
  readonly kind: MadKind;
  readonly mad: string;
  readonly vid?: number;
  readonly text: string;
}
