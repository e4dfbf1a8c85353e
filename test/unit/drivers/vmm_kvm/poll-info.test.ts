import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuPercent, parseDomstats, pollInfo } from '../../../../src/drivers/vmm_kvm/poll-info.ts';
import { kvmSettings, migrateOptionsFrom, migrateUriFor } from '../../../../src/drivers/vmm_kvm/kvm-settings.ts';

// What libvirt 9's `virsh domstats --state --cpu-total --balloon --interface` prints.
const RUNNING = `Domain: 'one-7'
  state.state=1
  state.reason=1
  cpu.time=2000000000
  cpu.user=1000000000
  balloon.current=32768
  balloon.maximum=32768
  balloon.rss=20480
  net.count=2
  net.0.name=vnet0
  net.0.rx.bytes=100
  net.0.tx.bytes=7
  net.1.rx.bytes=23
  net.1.tx.bytes=3
`;

describe('one_vmm_kvm POLL figures', () => {
  it('turns domstats into STATE, USEDMEMORY (KiB), USEDCPU and summed NETRX/NETTX', () => {
    assert.equal(pollInfo(parseDomstats(RUNNING), 12), 'STATE=a USEDMEMORY=32768 USEDCPU=12 NETRX=123 NETTX=10');
  });

  it('maps every libvirt state to the letters of 1.4 and leaves out figures libvirt did not give', () => {
    const letters = ['0', '1', '2', '3', '4', '5', '6', '7', '99'].map((s) => pollInfo(new Map([['state.state', s]]), undefined));
    assert.deepEqual(letters, ['STATE=-', 'STATE=a', 'STATE=a', 'STATE=p', 'STATE=a', 'STATE=d', 'STATE=e', 'STATE=p', 'STATE=-']);
    assert.equal(pollInfo(new Map([['state.state', '1'], ['balloon.current', '12x'], ['net.count', '0']]), undefined), 'STATE=a NETRX=0 NETTX=0');
  });

  it('computes CPU % between two samples, and none when the counter went back (a new qemu)', () => {
    const at = (cpu: string, wall: bigint) => ({ stats: new Map([['cpu.time', cpu]]), wallNs: wall });
    assert.equal(cpuPercent(at('1000000000', 0n), at('1500000000', 1_000_000_000n)), 50);
    assert.equal(cpuPercent(at('0', 0n), at('3000000000', 2_000_000_000n)), 150); // two vcpus busy
    assert.equal(cpuPercent(at('9000000000', 0n), at('10', 1_000_000_000n)), undefined);
    assert.equal(cpuPercent(at('1', 5n), at('2', 5n)), undefined);
    assert.equal(cpuPercent({ stats: new Map(), wallNs: 0n }, at('2', 5n)), undefined);
  });
});

describe('one_vmm_kvm settings', () => {
  it('takes -u over LIBVIRT_URI over LIBVIRT_DEFAULT_URI over qemu:///system', () => {
    const uri = (env: NodeJS.ProcessEnv, args: string[] = []) => {
      const s = kvmSettings(env, args);
      return 'error' in s ? s.error : s.uri;
    };
    assert.equal(uri({}), 'qemu:///system');
    assert.equal(uri({ LIBVIRT_DEFAULT_URI: 'qemu:///a' }), 'qemu:///a');
    assert.equal(uri({ LIBVIRT_DEFAULT_URI: 'qemu:///a', LIBVIRT_URI: 'qemu:///b' }), 'qemu:///b');
    assert.equal(uri({ LIBVIRT_URI: 'qemu:///b' }, ['-u', 'qemu:///c']), 'qemu:///c');
    assert.match(uri({}, ['-u']), /-u needs a libvirt URI/);
    assert.match(uri({}, ['--bogus']), /unknown argument "--bogus"/);
  });

  it('derives the migration destination from the URI, or takes VMM_KVM_MIGRATE_URI', () => {
    assert.equal(migrateUriFor('qemu:///system'), 'qemu+ssh://%h/system');
    assert.equal(migrateUriFor('qemu+unix:///session?socket=/x'), 'qemu+ssh://%h/session');
    assert.equal(migrateUriFor('xen://remote/'), 'xen+ssh://%h/');
    const s = kvmSettings({ VMM_KVM_MIGRATE_URI: 'qemu+tls://%h/system', VMM_KVM_SHUTDOWN_TIMEOUT_S: '5' }, []);
    assert.ok(!('error' in s));
    assert.equal(s.migrateUri, 'qemu+tls://%h/system');
    assert.equal(s.shutdownTimeoutMs, 5000);
  });

  it('takes VMM_KVM_MIGRATE_OPTIONS as flags only', () => {
    assert.deepEqual(migrateOptionsFrom(undefined), []);
    assert.deepEqual(migrateOptionsFrom(' --copy-storage-all  --unsafe '), ['--copy-storage-all', '--unsafe']);
    for (const bad of ['--uri=x', '-u', 'qemu:///x', '--a;b', '--$(touch x)', '--a`b`', '--a\nb']) {
      assert.match(JSON.stringify(migrateOptionsFrom(bad)), /takes virsh migrate flags/, bad);
    }
    const s = kvmSettings({ VMM_KVM_MIGRATE_OPTIONS: '--p2p' }, []);
    assert.ok(!('error' in s));
    assert.deepEqual(s.migrateOptions, ['--p2p']);
    const refused = kvmSettings({ VMM_KVM_MIGRATE_OPTIONS: '--ok ;reboot' }, []);
    assert.ok('error' in refused && refused.error.endsWith('got ";reboot"'));
  });
});
