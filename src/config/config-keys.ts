import { join } from 'node:path';
import type { TemplateAttribute } from '../template/index.ts';
import type { Layout } from './layout.ts';
import { madReader, readHook } from './mad-vectors.ts';
import { readDb } from './db-config.ts';
import type { OnedConfig } from './oned-config.ts';
import {
  absolutePath,
  absolutePaths,
  debugLevel,
  integerIn,
  listenAddress,
  macPrefix,
  positiveInteger,
  problem,
  tcpPort,
  type Check,
  type Problem,
} from './value-checks.ts';

/**
 * Every key oned.conf may hold. Adding a key is one line here plus its
 * field in OnedConfig. Keys not listed are refused at start-up.
 *
 * - `scalar`: a single value, at most once.
 * - `list`: a repeatable vector, kept in order, unique by NAME.
 * - `once`: a vector that may appear at most once.
 */
export type KeySpec =
  | { readonly kind: 'scalar'; readonly field: keyof OnedConfig; readonly check: Check<unknown>; readonly initial: (layout: Layout) => unknown }
  | { readonly kind: 'list'; readonly field: keyof OnedConfig; readonly read: VectorReader; readonly uniqueNames: boolean }
  | { readonly kind: 'once'; readonly field: keyof OnedConfig; readonly read: VectorReader };

type VectorReader = (attribute: TemplateAttribute) => unknown;

function scalar<K extends keyof OnedConfig>(
  field: K,
  check: Check<OnedConfig[K]>,
  initial: OnedConfig[K] | ((layout: Layout) => OnedConfig[K]),
): KeySpec {
  return { kind: 'scalar', field, check, initial: typeof initial === 'function' ? (initial as (l: Layout) => unknown) : () => initial };
}

const list = (field: keyof OnedConfig, read: VectorReader, uniqueNames = true): KeySpec => ({ kind: 'list', field, read, uniqueNames });
const once = (field: keyof OnedConfig, read: VectorReader): KeySpec => ({ kind: 'once', field, read });

const nonEmptyText: Check<string> = (raw) => (raw === '' ? problem('must not be empty') : raw);
const thenCheck = <T>(first: Check<string>, second: Check<T>): Check<T> => (raw) => {
  const a = first(raw);
  return typeof a === 'string' ? second(a) : (a as Problem);
};

export const ONED_CONF_KEYS: Readonly<Record<string, KeySpec>> = {
  HOST_MONITORING_INTERVAL: scalar('hostMonitoringInterval', positiveInteger, 300),
  VM_POLLING_INTERVAL: scalar('vmPollingInterval', positiveInteger, 300),
  MANAGER_TIMER: scalar('managerTimer', positiveInteger, 30),
  VM_DIR: scalar('vmDir', thenCheck(nonEmptyText, absolutePath), (layout) => layout.var),
  // Where users other than oneadmin may take DISK SOURCE and CONTEXT FILES from (src/core/front-end-files.ts).
  SAFE_DIRS: scalar('safeDirs', absolutePaths, (layout) => [join(layout.var, 'images')]),
  PORT: scalar('port', tcpPort, 2633),
  LISTEN_ADDRESS: scalar('listenAddress', listenAddress, '127.0.0.1'),
  // The Prometheus /metrics endpoint (src/main/metrics-server.ts): off (0) unless a port is given.
  METRICS_PORT: scalar('metricsPort', integerIn(0, 65535), 0),
  METRICS_LISTEN_ADDRESS: scalar('metricsListenAddress', listenAddress, '127.0.0.1'),
  // The web console (src/console/): off (0) unless a port is given, loopback unless an address is.
  CONSOLE_PORT: scalar('consolePort', integerIn(0, 65535), 0),
  CONSOLE_LISTEN_ADDRESS: scalar('consoleListenAddress', listenAddress, '127.0.0.1'),
  // 1.4 meant WARNING but its built-in default was broken (spec §12.1 #11).
  DEBUG_LEVEL: scalar('debugLevel', debugLevel, 1),
  NETWORK_SIZE: scalar('networkSize', positiveInteger, 254),
  MAC_PREFIX: scalar('macPrefix', macPrefix, '00:01'),
  DRIVER_TIMEOUT: scalar('driverTimeout', positiveInteger, 600),
  MONITORING_CONCURRENCY: scalar('monitoringConcurrency', positiveInteger, 100),
  SNAPSHOT_INTERVAL: scalar('snapshotInterval', positiveInteger, 100),
  CHECKPOINT_INTERVAL: scalar('checkpointInterval', positiveInteger, 30),
  VM_TEMPLATE_MAX_SIZE: scalar('vmTemplateMaxSize', positiveInteger, 1024 * 1024),
  LOGIN_BACKOFF_FAILURES: scalar('loginBackoffFailures', positiveInteger, 10),
  IM_MAD: list('imMads', madReader('IM_MAD')),
  VM_MAD: list('vmMads', madReader('VM_MAD', { typed: true })),
  TM_MAD: list('tmMads', madReader('TM_MAD')),
  HM_MAD: once('hmMad', madReader('HM_MAD', { defaultName: 'hm' })),
  // Several hooks may share a name (it defaults to the command).
  VM_HOOK: list('vmHooks', readHook, false),
  // Where the event log lives: SQLite (var/one.db, the default) or PostgreSQL (src/config/db-config.ts).
  DB: once('db', readDb),
};
