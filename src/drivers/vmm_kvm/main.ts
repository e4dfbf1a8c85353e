import { driverMain } from '../driver-main.ts';
import { sshSettingsFromEnv } from '../ssh/ssh-settings.ts';
import { kvmActions } from './kvm-actions.ts';
import { kvmSettings } from './kvm-settings.ts';

/**
 * one_vmm_kvm: runs VMs with libvirt on the hosts, through `virsh -c <uri>`
 * over ssh (spec §4.4). Settings: etc/vmm_kvm/vmm_kvmrc and `-u <uri>`.
 */
await driverMain(({ positional }) => {
  const settings = kvmSettings(process.env, positional);
  if ('error' in settings) throw new Error(settings.error); // INIT FAILURE: oned logs it
  return kvmActions(settings, sshSettingsFromEnv(process.env));
});
