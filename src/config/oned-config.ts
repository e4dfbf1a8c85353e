import type { DbConfig } from './db-config.ts';

/** The validated contents of oned.conf (spec §8.2), with every default filled in. */
export interface OnedConfig {
  /** Where the event log lives; absent means SQLite in var/one.db. */
  readonly db?: DbConfig;
  /** Seconds between monitorings of a host. */
  readonly hostMonitoringInterval: number;
  /** Seconds between polls of a running VM. */
  readonly vmPollingInterval: number;
  /** Tick of the VMM and IM timers, seconds. */
  readonly managerTimer: number;
  /** Path on the hosts where VM folders live. */
  readonly vmDir: string;
  /** Front-end folders whose files users other than oneadmin may use as DISK SOURCE and CONTEXT FILES. */
  readonly safeDirs: readonly string[];
  /** XML-RPC port. */
  readonly port: number;
  readonly listenAddress: string;
  /** Port of the Prometheus /metrics endpoint; 0 (the default) serves none. */
  readonly metricsPort: number;
  /** Address the /metrics endpoint binds; loopback unless set. */
  readonly metricsListenAddress: string;
  /** Port of the web console; 0 (the default) serves none. */
  readonly consolePort: number;
  /** Address the web console binds; loopback unless set. */
  readonly consoleListenAddress: string;
  /** 0 ERROR, 1 WARNING, 2 INFO, 3 DEBUG. */
  readonly debugLevel: 0 | 1 | 2 | 3;
  /** Default size of ranged networks. */
  readonly networkSize: number;
  /** First two MAC octets for leases, as written, lower-case ("00:01"). */
  readonly macPrefix: string;
  readonly imMads: readonly MadConfig[];
  readonly vmMads: readonly MadConfig[];
  readonly tmMads: readonly MadConfig[];
  readonly hmMad?: MadConfig;
  readonly vmHooks: readonly HookConfig[];
  /** Seconds a driver request may take before it counts as FAILURE. */
  readonly driverTimeout: number;
  /** Most hosts monitored at once. */
  readonly monitoringConcurrency: number;
  /** Events per stream between actor snapshots. */
  readonly snapshotInterval: number;
  /** Seconds between two checkpoints of every changed actor (the timer; a clean stop checkpoints too). */
  readonly checkpointInterval: number;
  /** Largest VM template (and any other string parameter) the API accepts, in bytes. */
  readonly vmTemplateMaxSize: number;
  /** Failed logins from one client address, or for one user, before the login backoff starts. */
  readonly loginBackoffFailures: number;
}

/** One IM_MAD / VM_MAD / TM_MAD / HM_MAD entry. */
export interface MadConfig {
  readonly name: string;
  readonly executable: string;
  /** Command-line arguments for the driver, "" when absent. */
  readonly arguments: string;
  /** VM_MAD: file with default values for the deployment file. */
  readonly default?: string;
  /** VM_MAD: xen | kvm | xml | dummy. */
  readonly type?: string;
  /** User to run the driver as. */
  readonly owner?: string;
}

/** One VM_HOOK entry (spec §11.1). */
export interface HookConfig {
  readonly name: string;
  /** CREATE | RUNNING | SHUTDOWN | STOP | DONE. */
  readonly on: string;
  readonly command: string;
  readonly arguments: string;
  /** Run on the VM's host over ssh instead of on the front-end. */
  readonly remote: boolean;
}
