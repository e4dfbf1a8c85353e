import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadOnedConf, OnedConfigError } from '../../../src/config/load-oned-conf.ts';
import { REPO_ROOT, resolveLayout, type Layout } from '../../../src/config/layout.ts';
import { defaultOnedConfig, parseOnedConf } from '../../../src/config/parse-oned-conf.ts';

const layout: Layout = resolveLayout({ ONE_LOCATION: '/opt/one' });
const shipped = path.join(REPO_ROOT, 'etc', 'oned.conf');

function problemsOf(text: string): string[] {
  const r = parseOnedConf(text, 'oned.conf', layout);
  if (r.ok) assert.fail(`expected problems for:\n${text}`);
  return r.error.map((p) => `${p.file}:${p.line}: ${p.message}`);
}

describe('the shipped etc/oned.conf', () => {
  it('loads with the values it documents', () => {
    const config = loadOnedConf(shipped, resolveLayout({}));
    assert.equal(config.hostMonitoringInterval, 10);
    assert.equal(config.vmPollingInterval, 10);
    assert.equal(config.port, 2633);
    assert.equal(config.debugLevel, 3);
    assert.equal(config.networkSize, 254);
    assert.equal(config.macPrefix, '00:01');
    assert.equal(config.listenAddress, '127.0.0.1');
    assert.equal(config.vmDir, path.join(REPO_ROOT, 'var'), 'VM_DIR is commented out: the var dir of the checkout');
    assert.deepEqual(
      config.imMads.map((m) => [m.name, m.executable, m.arguments]),
      [
        ['im_kvm', 'one_im_ssh', 'im_kvm/im_kvm.conf'],
        ['im_xen', 'one_im_ssh', 'im_xen/im_xen.conf'],
        ['im_dummy', 'one_im_dummy', ''],
      ],
    );
    assert.deepEqual(config.vmMads, [
      { name: 'vmm_dummy', executable: 'one_vmm_dummy', arguments: '', type: 'dummy' },
      { name: 'vmm_kvm', executable: 'one_vmm_kvm', arguments: '', default: 'vmm_kvm/vmm_kvm.conf', type: 'kvm' },
    ]);
    assert.deepEqual(config.tmMads, [
      { name: 'tm_dummy', executable: 'one_tm_dummy', arguments: '' },
      { name: 'tm_nfs', executable: 'one_tm', arguments: 'tm_nfs/tm_nfs.conf' },
      { name: 'tm_ssh', executable: 'one_tm', arguments: 'tm_ssh/tm_ssh.conf' },
    ]);
    assert.equal(config.hmMad?.executable, 'one_hm');
    assert.deepEqual(config.vmHooks, []);
  });

  it('has commented examples that are valid once uncommented', () => {
    const text = readFileSync(shipped, 'utf8').replace(/^#(?=[A-Z_]+ =|    [a-z]+ += )/gm, '');
    const r = parseOnedConf(text, shipped, layout);
    assert.ok(r.ok, r.ok ? '' : r.error.map((p) => p.message).join('\n'));
    assert.deepEqual(r.value.vmMads.map((m) => m.type), ['dummy', 'kvm', 'xen']);
    assert.deepEqual(r.value.tmMads.map((m) => m.name), ['tm_dummy', 'tm_nfs', 'tm_ssh']);
    assert.equal(r.value.vmDir, '/local/images');
    assert.deepEqual(r.value.vmHooks[1], {
      name: 'ebtables',
      on: 'RUNNING',
      command: '/usr/local/one/bin/set_net',
      arguments: '$NIC[MAC, NETWORK="Public"]',
      remote: true,
    });
  });
});

describe('oned.conf defaults (spec §8.2)', () => {
  it('fills every key an empty file leaves out', () => {
    assert.deepEqual(defaultOnedConfig(layout), {
      hostMonitoringInterval: 300,
      vmPollingInterval: 300,
      managerTimer: 30,
      vmDir: '/opt/one/var',
      safeDirs: ['/opt/one/var/images'],
      port: 2633,
      listenAddress: '127.0.0.1',
      metricsPort: 0,
      metricsListenAddress: '127.0.0.1',
      consolePort: 0,
      consoleListenAddress: '127.0.0.1',
      debugLevel: 1,
      networkSize: 254,
      macPrefix: '00:01',
      imMads: [],
      vmMads: [],
      tmMads: [],
      vmHooks: [],
      driverTimeout: 600,
      monitoringConcurrency: 100,
      snapshotInterval: 100,
      checkpointInterval: 30,
      vmTemplateMaxSize: 1048576,
      loginBackoffFailures: 10,
    });
  });

  it('reads every scalar key, case-insensitively', () => {
    const r = parseOnedConf(
      'host_monitoring_interval = 5\nVM_POLLING_INTERVAL=6\nMANAGER_TIMER = 7\nVM_DIR = /srv/one\nPORT = 2634\n' +
        'LISTEN_ADDRESS = 0.0.0.0\nDEBUG_LEVEL = 0\nNETWORK_SIZE = 100\nMAC_PREFIX = "0A:fF"\n' +
        'DRIVER_TIMEOUT = 60\nMONITORING_CONCURRENCY = 4\nSNAPSHOT_INTERVAL = 50\nCHECKPOINT_INTERVAL = 5\n' +
        'VM_TEMPLATE_MAX_SIZE = 65536\nLOGIN_BACKOFF_FAILURES = 3\nmetrics_port = 9100\nMETRICS_LISTEN_ADDRESS = ::1\n',
      'oned.conf',
      layout,
    );
    assert.ok(r.ok);
    assert.deepEqual(
      [r.value.hostMonitoringInterval, r.value.vmPollingInterval, r.value.managerTimer, r.value.vmDir, r.value.port],
      [5, 6, 7, '/srv/one', 2634],
    );
    assert.deepEqual(
      [r.value.listenAddress, r.value.debugLevel, r.value.networkSize, r.value.macPrefix],
      ['0.0.0.0', 0, 100, '0a:ff'],
    );
    assert.deepEqual(
      [r.value.driverTimeout, r.value.monitoringConcurrency, r.value.snapshotInterval, r.value.checkpointInterval, r.value.vmTemplateMaxSize, r.value.loginBackoffFailures],
      [60, 4, 50, 5, 65536, 3],
    );
    assert.deepEqual([r.value.metricsPort, r.value.metricsListenAddress], [9100, '::1']);
  });

  it('reads SAFE_DIRS as blank-separated absolute paths, written plainly; empty is none', () => {
    const dirs = (text: string) => {
      const r = parseOnedConf(text, 'oned.conf', layout);
      assert.ok(r.ok, r.ok ? '' : r.error.map((p) => p.message).join('\n'));
      return r.value.safeDirs;
    };
    assert.deepEqual(dirs('SAFE_DIRS = "/srv/images/  /data/./iso/ /a/b/../c"'), ['/srv/images', '/data/iso', '/a/c']);
    assert.deepEqual(dirs('SAFE_DIRS = "/ //"'), ['/', '/']);
    assert.deepEqual(dirs('SAFE_DIRS = ""'), []);
  });

  it('reads MAD and hook vectors with their optional parts', () => {
    const r = parseOnedConf(
      'VM_MAD = [ NAME = vmm_kvm, EXECUTABLE = one_vmm_kvm, DEFAULT = vmm_kvm/vmm_kvm.conf, TYPE = KVM, OWNER = oneadmin ]\n' +
        'IM_MAD = [ name = im_kvm, executable = one_im_ssh, default = im_kvm/im_kvm.conf ]\n' +
        'VM_HOOK = [ on = done, command = /bin/true ]\n' +
        'VM_HOOK = [ name = h, on = Stop, command = /bin/true, arguments = "$VMID", remote = YES ]\n',
      'oned.conf',
      layout,
    );
    assert.ok(r.ok, r.ok ? '' : r.error.map((p) => p.message).join('\n'));
    assert.deepEqual(r.value.vmMads[0], {
      name: 'vmm_kvm',
      executable: 'one_vmm_kvm',
      arguments: '',
      default: 'vmm_kvm/vmm_kvm.conf',
      owner: 'oneadmin',
      type: 'kvm',
    });
    assert.equal(r.value.imMads[0].default, 'im_kvm/im_kvm.conf');
    assert.deepEqual(r.value.vmHooks, [
      { name: '/bin/true', on: 'DONE', command: '/bin/true', arguments: '', remote: false },
      { name: 'h', on: 'STOP', command: '/bin/true', arguments: '$VMID', remote: true },
    ]);
    assert.equal(r.value.hmMad, undefined);
  });
});

describe('oned.conf validation errors name file:line', () => {
  const cases: [string, RegExp][] = [
    ['PORT = 2633\n\nFOO = 1', /^oned\.conf:3: unknown key FOO$/],
    ['PORT = 70000', /^oned\.conf:1: PORT: must be an integer from 1 to 65535, got "70000"$/],
    ['PORT = abc', /^oned\.conf:1: PORT:/],
    ['HOST_MONITORING_INTERVAL = 0', /^oned\.conf:1: HOST_MONITORING_INTERVAL: must be an integer from 1/],
    ['VM_POLLING_INTERVAL = -5', /^oned\.conf:1: VM_POLLING_INTERVAL:/],
    ['MANAGER_TIMER = 1.5', /^oned\.conf:1: MANAGER_TIMER:/],
    ['NETWORK_SIZE = ""', /^oned\.conf:1: NETWORK_SIZE:/],
    ['DRIVER_TIMEOUT = x', /^oned\.conf:1: DRIVER_TIMEOUT:/],
    ['MONITORING_CONCURRENCY = 0', /^oned\.conf:1: MONITORING_CONCURRENCY:/],
    ['SNAPSHOT_INTERVAL = 1e3', /^oned\.conf:1: SNAPSHOT_INTERVAL:/],
    ['CHECKPOINT_INTERVAL = 0', /^oned\.conf:1: CHECKPOINT_INTERVAL:/],
    ['DEBUG_LEVEL = 4', /^oned\.conf:1: DEBUG_LEVEL: must be 0 \(ERROR\), 1 \(WARNING\), 2 \(INFO\) or 3 \(DEBUG\), got "4"$/],
    ['MAC_PREFIX = "00:0G"', /^oned\.conf:1: MAC_PREFIX: must be two hex octets like "00:01", got "00:0G"$/],
    ['MAC_PREFIX = 00:01:02', /^oned\.conf:1: MAC_PREFIX:/],
    ['MAC_PREFIX = 0001', /^oned\.conf:1: MAC_PREFIX:/],
    ['VM_DIR = relative/path', /^oned\.conf:1: VM_DIR: must be an absolute path/],
    ['VM_DIR =', /^oned\.conf:1: VM_DIR: must not be empty$/],
    ['PORT = 1\nSAFE_DIRS = "/srv/images images"', /^oned\.conf:2: SAFE_DIRS: must be absolute paths separated by blanks, got "images"$/],
    ['SAFE_DIRS = [ A = /x ]', /^oned\.conf:1: SAFE_DIRS: must be a single value, not a vector$/],
    ['LISTEN_ADDRESS = "not an address"', /^oned\.conf:1: LISTEN_ADDRESS: must be an IP address or a host name/],
    ['PORT = 1\nMETRICS_PORT = 65536', /^oned\.conf:2: METRICS_PORT: must be an integer from 0 to 65535, got "65536"$/],
    ['METRICS_PORT = -1', /^oned\.conf:1: METRICS_PORT: must be an integer from 0 to 65535, got "-1"$/],
    ['METRICS_LISTEN_ADDRESS = "127.0.0.1; rm -rf /"', /^oned\.conf:1: METRICS_LISTEN_ADDRESS: must be an IP address or a host name/],
    ['PORT = [ A = 1 ]', /^oned\.conf:1: PORT: must be a single value, not a vector$/],
    ['PORT = 1\nPORT = 2', /^oned\.conf:2: PORT: set more than once \(first on line 1\)$/],
    ['IM_MAD = one_im_ssh', /^oned\.conf:1: IM_MAD: must be a vector/],
    ['IM_MAD = [ executable = one_im_ssh ]', /^oned\.conf:1: IM_MAD: NAME is required$/],
    ['TM_MAD = [ name = tm_x,\n arguments = a ]', /^oned\.conf:1: TM_MAD: EXECUTABLE is required in TM_MAD tm_x$/],
    ['IM_MAD = [ name = a, executable = b, type = kvm ]', /^oned\.conf:1: IM_MAD: unknown attribute TYPE/],
    ['IM_MAD = [ name = a, executible = b ]', /^oned\.conf:1: IM_MAD: unknown attribute EXECUTIBLE/],
    ['VM_MAD = [ name = v, executable = e ]', /^oned\.conf:1: VM_MAD: TYPE of VM_MAD v must be one of xen, kvm, xml, dummy, got ""$/],
    ['VM_MAD = [ name = v, executable = e, type = vmware ]', /^oned\.conf:1: VM_MAD: TYPE of VM_MAD v must be one of/],
    ['IM_MAD = [ name = a, executable = b ]\nIM_MAD = [ name = a, executable = c ]', /^oned\.conf:2: IM_MAD: NAME a is already used on line 1$/],
    ['HM_MAD = [ executable = one_hm ]\nHM_MAD = [ executable = one_hm ]', /^oned\.conf:2: HM_MAD: set more than once/],
    ['HM_MAD = [ name = hm ]', /^oned\.conf:1: HM_MAD: EXECUTABLE is required/],
    ['VM_HOOK = [ on = running ]', /^oned\.conf:1: VM_HOOK: COMMAND is required$/],
    ['VM_HOOK = [ command = /bin/true ]', /^oned\.conf:1: VM_HOOK: ON must be one of CREATE, RUNNING, SHUTDOWN, STOP, DONE, FAILED, got ""$/],
    ['VM_HOOK = [ on = boot, command = /bin/true ]', /^oned\.conf:1: VM_HOOK: ON must be one of/],
    ['VM_HOOK = [ on = done, command = /bin/true, remote = maybe ]', /^oned\.conf:1: VM_HOOK: REMOTE must be yes or no/],
    [`VM_HOOK = [ on = done, command = /bin/echo, arguments = "'$NAME" ]`, /^oned\.conf:1: VM_HOOK: ARGUMENTS: unterminated single quote$/],
    ['PORT = 2633\nIM_MAD = [ ]', /^oned\.conf:2: syntax error: empty vector attribute IM_MAD at line 2, column 12$/],
  ];
  for (const [text, expected] of cases) {
    it(`reports ${JSON.stringify(text)}`, () => {
      const problems = problemsOf(text);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0], expected);
    });
  }

  it('reports every problem of a file, each on its own line', () => {
    assert.deepEqual(problemsOf('PORT = x\nOK_NOT = 1\nDEBUG_LEVEL = 9\n').map((p) => p.split(':')[1]), ['1', '2', '3']);
  });
});

describe('loadOnedConf', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'oned-conf-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('throws OnedConfigError with file:line messages', () => {
    const file = path.join(dir, 'bad.conf');
    writeFileSync(file, '# a comment\nPORT = 2633\nMAC_PREFIX = "zz:01"\n');
    assert.throws(
      () => loadOnedConf(file, layout),
      (e: unknown) => e instanceof OnedConfigError && e.message === `${file}:3: MAC_PREFIX: must be two hex octets like "00:01", got "zz:01"`,
    );
  });

  it('throws when the file cannot be read', () => {
    const file = path.join(dir, 'missing.conf');
    assert.throws(() => loadOnedConf(file, layout), (e: unknown) => e instanceof OnedConfigError && e.message === `${file}: cannot read the file (ENOENT)`);
  });

  it('uses the layout for the default VM_DIR', () => {
    const file = path.join(dir, 'empty.conf');
    writeFileSync(file, '');
    assert.equal(loadOnedConf(file, resolveLayout({ ONE_LOCATION: '/srv/cloud/one' })).vmDir, '/srv/cloud/one/var');
  });
});
