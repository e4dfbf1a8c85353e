import { driverMain } from '../driver-main.ts';
import { sshSettingsFromEnv } from '../ssh/ssh-settings.ts';
import { xenActions } from './xen-actions.ts';
import { xenSettings } from './xen-settings.ts';

/**
 * one_vmm_xen: runs VMs with the Xen toolstack (`xl`, or `xm`) and `xentop`
 * on the hosts over ssh (spec §4.4). Settings: etc/vmm_xen/vmm_xenrc.
 */
await driverMain(({ positional }) => {
  const settings = xenSettings(process.env, positional);
  if ('error' in settings) throw new Error(settings.error); // INIT FAILURE: oned logs it
  return xenActions(settings, sshSettingsFromEnv(process.env));
});
