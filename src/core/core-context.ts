import type { ActorSystem } from '../actors/actor-system.ts';
import type { Clock, DriverGateway, EventLog, Logger } from '../actors/ports.ts';
import type { Layout } from '../config/layout.ts';
import type { OnedConfig } from '../config/oned-config.ts';
import type { MonitoringStore } from '../store/monitoring-store.ts';
import type { MonitoredShare } from '../events/host-events.ts';
import type { Template } from '../template/template.ts';

/** Latest VM poll figures (§4.4). Not events: they are samples. */
export interface VmPollFigures {
  lastPoll: number;
  memory: number;
  cpu: number;
  netTx: number;
  netRx: number;
}

/** The latest monitoring of a host: its time, and the last good template and figures. */
export interface HostSample {
  readonly time: number;
  readonly template: Template;
  readonly share: Partial<MonitoredShare>;
  /** Set when this monitoring failed (template and share are then the last good ones). */
  readonly failure?: string;
}

/**
 * Everything the application services share. Built once by the composition
 * root (src/main/oned.ts); services never construct infrastructure.
 */
export interface CoreContext {
  readonly system: ActorSystem;
  readonly log: EventLog;
  readonly clock: Clock;
  readonly config: OnedConfig;
  readonly layout: Layout;
  readonly logger: Logger;
  readonly drivers: DriverGateway;
  /** Bounded table of monitoring samples (not the truth; survives restarts). */
  readonly samples: MonitoringStore;
  /** Latest monitoring result per host id (kept out of the log, §5.4). */
  readonly hostSamples: Map<number, HostSample>;
  /**
   * Set when oned begins to stop. From then on driver answers are not
   * recorded: the drivers are being stopped, and their made-up FAILUREs
   * must not fail a VM, a host or a hook. The restart re-issues what was
   * in flight (reconcile) instead.
   */
  readonly lifecycle: { stopping: boolean };
  /** Latest poll figures per VM id. */
  readonly vmPolls: Map<number, VmPollFigures>;
}
