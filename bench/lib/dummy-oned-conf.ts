/**
 * oned.conf for benches with many dummy hosts: every host may be monitored
 * at once, VMs are polled rarely, and only warnings are logged, so the
 * figures measure the work and not the logging. The harness sets PORT.
 */
export function dummyOnedConf(hostCount: number, monitoringInterval: number): string {
  return `
HOST_MONITORING_INTERVAL = ${monitoringInterval}
MONITORING_CONCURRENCY = ${hostCount * 2}
VM_POLLING_INTERVAL = 300
PORT = 1
LISTEN_ADDRESS = 127.0.0.1
DEBUG_LEVEL = 1
DRIVER_TIMEOUT = 120
IM_MAD = [ name = "im_dummy", executable = "one_im_dummy", arguments = "" ]
VM_MAD = [ name = "vmm_dummy", executable = "one_vmm_dummy", type = "dummy" ]
TM_MAD = [ name = "tm_dummy", executable = "one_tm_dummy", arguments = "" ]
`;
}
