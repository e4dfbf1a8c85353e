import { domainError, ErrorCode, type DomainError } from '../events/domain-error.ts';
import type { LogWriteError } from '../events/log-write-error.ts';
import type { ParamValue } from './methods/method.ts';

type Describe = (args: readonly ParamValue[]) => string;

/**
 * The request name and the sentence OpenNebula (3.x) uses when a write
 * request fails, per method. Every method that appends to the log is here
 * (a test checks it); reads never write, so they never need one.
 */
const WRITES: Readonly<Record<string, readonly [string, Describe]>> = {
  'one.vm.allocate': ['VirtualMachineAllocate', () => 'Error allocating a new virtual machine'],
  'one.vm.deploy': ['VirtualMachineDeploy', (a) => `Error deploying virtual machine ${a[0]}`],
  'one.vm.action': ['VirtualMachineAction', (a) => `Error performing action "${a[0]}" on virtual machine ${a[1]}`],
  'one.vm.migrate': ['VirtualMachineMigrate', (a) => `Error migrating virtual machine ${a[0]}`],
  'one.vm.schedmessage': ['VirtualMachineSchedMessage', (a) => `Error setting the scheduler message of virtual machine ${a[0]}`],
  'one.host.allocate': ['HostAllocate', () => 'Error allocating a new host'],
  'one.host.delete': ['HostDelete', (a) => `Error deleting host ${a[0]}`],
  'one.host.enable': ['HostEnable', (a) => `Error ${a[1] ? 'enabling' : 'disabling'} host ${a[0]}`],
  'one.vn.allocate': ['VirtualNetworkAllocate', () => 'Error allocating a new virtual network'],
  'one.vn.delete': ['VirtualNetworkDelete', (a) => `Error deleting virtual network ${a[0]}`],
  'one.vn.publish': ['VirtualNetworkPublish', (a) => `Error ${a[1] ? 'publishing' : 'unpublishing'} virtual network ${a[0]}`],
  'one.user.allocate': ['UserAllocate', () => 'Error allocating a new user'],
  'one.user.delete': ['UserDelete', (a) => `Error deleting user ${a[0]}`],
  'one.user.passwd': ['UserChangePassword', (a) => `Error changing the password of user ${a[0]}`],
  'one.user.enable': ['UserEnable', (a) => `Error ${a[1] ? 'enabling' : 'disabling'} user ${a[0]}`],
};

/** Methods that write to the log (for the test that keeps the table complete). */
export const WRITE_METHODS: readonly string[] = Object.keys(WRITES);

/**
 * The answer to a call whose events could not be appended (a full disk):
 * `[VirtualMachineAllocate] Error allocating a new virtual machine. Cannot
 * write the event log: database or disk is full`, code 0x2000. Nothing was
 * written and nothing changed, so the caller may simply try again later.
 */
export function logWriteFailure(method: string, args: readonly ParamValue[], error: LogWriteError): DomainError {
  const known = WRITES[method];
  // Quotes and line breaks in an argument (the action verb) are the caller's; keep the message one line.
  const what = known ? `[${known[0]}] ${known[1](args).replace(/[\r\n]+/g, ' ')}` : `[${method}] Error performing the request`;
  return domainError(ErrorCode.INTERNAL, `${what}. ${error.message}`);
}
