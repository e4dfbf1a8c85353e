/** oned.conf loading and install layouts, in one import. */
export * from './layout.ts';
export * from './oned-config.ts';
export * from './parse-oned-conf.ts';
export * from './load-oned-conf.ts';
export { ONED_CONF_KEYS, type KeySpec } from './config-keys.ts';
export { HOOK_EVENTS, VM_MAD_TYPES } from './mad-vectors.ts';
