/**
 * Host monitoring end to end (spec §4.6, §5, §5.5): the real oned, the real
 * one_im_ssh driver, real OpenSSH daemons on 127.0.0.x.
 * Needs Debian packages openssh-server (sshd) and openssh-client (ssh-keygen).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dummyConf, makeLocation, Oned, waitFor } from '../helpers/oned-harness.ts';
import { startSshHosts, type SshHosts } from '../helpers/sshd-hosts.ts';

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];
/** Template values come back as CDATA in 1.4's XML; accept both spellings. */
const templateValue = (xml: unknown, name: string) =>
  new RegExp(`<TEMPLATE>.*<${name}>(?:<!\\[CDATA\\[)?(.*?)(?:\\]\\]>)?</${name}>`, 's').exec(String(xml))?.[1];
const meminfo = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'))![1]);

const MONITORED = '2';
const ERROR = '3';
const DISABLED = '4';

/** Probe lists of our own, written into the test's ONE_LOCATION (etc/ is a copy there, lib/ is not). */
function addImDriver(location: string, name: string, probes: Record<string, string>): void {
  const dir = join(location, 'etc', name);
  mkdirSync(dir, { recursive: true });
  const lines = Object.entries(probes).map(([probe, body]) => {
    const script = join(dir, `${probe}.sh`);
    writeFileSync(script, `#!/bin/sh\n${body}\n`);
    chmodSync(script, 0o755);
    return `${probe}=${script}`;
  });
  writeFileSync(join(dir, `${name}.conf`), `${lines.join('\n')}\n`);
}

/** The pid of the one_im_ssh process serving `mad`, a direct child of oned. */
function imDriverPid(onedPid: number, mad: string): number | undefined {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(onedPid)], { encoding: 'utf8' });
  } catch {
    return undefined; // ps exits 1 when there are no children
  }
  // The wrapper execs node with the probe list as argument: …/im_ssh/main.ts im_kvm/im_kvm.conf
  const line = out.split('\n').find((l) => l.includes(`im_ssh/main.ts ${mad}/${mad}.conf`));
  return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
}

describe('host monitoring through oned, one_im_ssh and real sshd hosts', () => {
  let ssh: SshHosts;
  let one: Oned;
  let location = '';
  const pwned = `/tmp/pwned-${randomBytes(6).toString('hex')}`;

  const info = async (hid: number) => String(await one.ok('one.host.info', hid));
  // Generous: under load one monitoring over ssh may take seconds (IM_SSH_TIMEOUT_MS is 10 s).
  const reaches = (hid: number, state: string, timeoutMs = 60_000, also: (xml: string) => boolean = () => true) =>
    waitFor(`host ${hid} in state ${state}`, async () => {
      const xml = await info(hid);
      return tag(xml, 'STATE') === state && also(xml) && xml;
    }, timeoutMs);
  const allocate = async (name: string, im: string) => (await one.ok('one.host.allocate', name, im, 'vmm_dummy', 'tm_dummy')) as number;

  before(async () => {
    ssh = await startSshHosts(3);
    location = makeLocation(dummyConf(0, [
      'IM_MAD = [ name = "im_kvm", executable = "one_im_ssh", arguments = "im_kvm/im_kvm.conf" ]',
      'IM_MAD = [ name = "im_bad", executable = "one_im_ssh", arguments = "im_bad/im_bad.conf" ]',
      'IM_MAD = [ name = "im_nan", executable = "one_im_ssh", arguments = "im_nan/im_nan.conf" ]',
      'IM_MAD = [ name = "im_odd", executable = "one_im_ssh", arguments = "im_odd/im_odd.conf" ]',
      'IM_MAD = [ name = "im_count", executable = "one_im_ssh", arguments = "im_count/im_count.conf" ]',
      'IM_MAD = [ name = "im_witness", executable = "one_im_ssh", arguments = "im_witness/im_witness.conf" ]',
    ].join('\n')));
    addImDriver(location, 'im_bad', { garbage: 'echo "this probe is broken and prints no NAME=value pair"\necho "42"' });
    addImDriver(location, 'im_nan', { nan: 'echo "TOTALCPU=lots"\necho "TOTALMEMORY=1024"' });
    // Values that a careless driver or core would hand to a shell.
    addImDriver(location, 'im_odd', {
      odd: `echo 'NOTE="$(touch ${pwned}-a)"'\necho 'OTHER=x;touch\${IFS}${pwned}-b'\necho 'TOTALCPU=100'\necho 'TOTALMEMORY=2048'`,
    });
    // Probes that count, on the host, every MONITOR that reaches it (and answer at once).
    for (const name of ['im_count', 'im_witness']) {
      addImDriver(location, name, { count: `echo run >> ${join(location, `${name}.runs`)}\necho TOTALCPU=100\necho TOTALMEMORY=2048` });
    }
    one = await Oned.start({
      location,
      env: {
        ONE_SSH_KEY: ssh.keyPath,
        ONE_SSH_KNOWN_HOSTS: ssh.knownHostsPath,
        ONE_SSH_PORT: String(ssh.hosts[0].port),
        ONE_SSH_USER: ssh.user,
        ONE_SSH_CONNECT_TIMEOUT_MS: '3000',
        IM_REMOTE_DIR: join(location, 'remote'),
        IM_SSH_TIMEOUT_MS: '10000',
      },
    });
  });
  after(async () => {
    await (one as Oned | undefined)?.stop();
    if (location) rmSync(location, { recursive: true, force: true });
    await ssh?.stop();
    for (const suffix of ['', '-a', '-b']) rmSync(`${pwned}${suffix}`, { force: true });
  });

  it('monitors a real host: MONITORED with this machine\'s CPU and memory in the template and the share', async () => {
    const hid = await allocate(ssh.hosts[0].address, 'im_kvm');
    // Recorded in the log as MONITORED; shown as MONITORING again while it is re-monitored.
    await monitoredAfter(hid, 0);
    const xml = await info(hid);
    assert.match(tag(xml, 'STATE')!, /^[12]$/);
    const totalCpu = cpus().length * 100;
    const totalMemory = meminfo('MemTotal');
    assert.equal(Number(templateValue(xml, 'TOTALCPU')), totalCpu);
    assert.equal(Number(templateValue(xml, 'TOTALMEMORY')), totalMemory);
    assert.equal(templateValue(xml, 'HYPERVISOR'), 'kvm');
    const free = Number(templateValue(xml, 'FREEMEMORY'));
    const available = meminfo('MemAvailable');
    assert.ok(free > 0 && free <= totalMemory, `FREEMEMORY ${free} of ${totalMemory}`);
    assert.ok(Math.abs(free - available) < totalMemory * 0.2, `FREEMEMORY ${free} vs MemAvailable ${available}`);
    assert.equal(Number(tag(xml, 'MAX_CPU')), totalCpu);
    assert.equal(Number(tag(xml, 'MAX_MEM')), totalMemory);
    assert.equal(Number(tag(xml, 'FREE_MEM')), free);
    assert.equal(Number(tag(xml, 'USED_MEM')) + free, totalMemory);
    assert.ok(Number(tag(xml, 'LAST_MON_TIME')) >= Math.floor(Date.now() / 1000) - 10);
  });

  it('goes to ERROR while the host\'s sshd is down and back to MONITORED when it returns', async () => {
    const hid = await allocate(ssh.hosts[1].address, 'im_kvm');
    await monitoredAfter(hid, 0);
    const killedAt = await lastSeq();
    await ssh.kill(1);
    await monitoredAfter(hid, killedAt, 'HostMonitorFailed');
    const restartedAt = await lastSeq();
    await ssh.restart(1);
    await monitoredAfter(hid, restartedAt);
    assert.match(one.log(), new RegExp(`Error monitoring host ${hid}: Could not monitor host 127\\.0\\.0\\.3: ssh to \\S+ failed: connect ECONNREFUSED`));
  });

  it('survives a SIGKILL of the one_im_ssh driver mid-monitoring: the driver is restarted and the host converges', async () => {
    const hid = 0; // the first test's host, monitored every second
    const before = imDriverPid(one.process.pid!, 'im_kvm');
    assert.ok(before, 'one_im_ssh for im_kvm is a child of oned');
    // kvm.sh samples /proc/stat for half a second, so MONITORING is easy to catch.
    await reaches(hid, '1');
    process.kill(before, 'SIGKILL');
    const killedAt = Math.floor(Date.now() / 1000);
    const after = await waitFor('a new im_kvm driver', () => {
      const pid = imDriverPid(one.process.pid!, 'im_kvm');
      return pid !== undefined && pid !== before && pid;
    });
    assert.notEqual(after, before);
    await reaches(hid, MONITORED, 60_000, (xml) => Number(tag(xml, 'LAST_MON_TIME')) > killedAt);
    assert.match(one.log(), /driver im_kvm exited \(code null, signal SIGKILL\); restart 1\//);
    // …and it keeps being monitored by the new process.
    const later = Number(tag(await info(hid), 'LAST_MON_TIME'));
    await reaches(hid, MONITORED, 60_000, (xml) => Number(tag(xml, 'LAST_MON_TIME')) > later);
  });

  it('leaves a host whose probe prints garbage in ERROR and says why in oned.log', async () => {
    const hid = await allocate(ssh.hosts[2].address, 'im_bad');
    await reaches(hid, ERROR);
    await waitFor('the garbage in oned.log', () =>
      new RegExp(`Error monitoring host ${hid}: Could not monitor host 127\\.0\\.0\\.4: probe output is not NAME=value \\(garbage: this probe is broken and prints no NAME=value pair\\)`).test(one.log()));
    const first = Number(tag(await info(hid), 'LAST_MON_TIME'));
    // Re-monitored every interval, never MONITORED.
    await waitFor('a second failed monitoring', async () => Number(tag(await info(hid), 'LAST_MON_TIME')) > first);
    assert.equal(tag(await info(hid), 'STATE'), ERROR);
    assert.equal(tag(await info(hid), 'MAX_CPU'), '0');
  });

  it('leaves a host in ERROR when oned cannot parse what the probes said (TOTALCPU=lots)', async () => {
    const hid = await allocate(ssh.hosts[2].address, 'im_nan');
    await reaches(hid, ERROR);
    const first = Number(tag(await info(hid), 'LAST_MON_TIME'));
    await waitFor('a second failed monitoring', async () => Number(tag(await info(hid), 'LAST_MON_TIME')) > first);
    const xml = await info(hid);
    assert.equal(tag(xml, 'STATE'), ERROR);
    assert.equal(tag(xml, 'MAX_MEM'), '0', 'nothing of a rejected reply is applied');
    assert.equal(templateValue(xml, 'TOTALMEMORY'), undefined);
  });

  it('keeps host names and monitored values inert: nothing is ever run from them', async () => {
    const names = [
      `x; touch ${pwned}`, `x;touch\${IFS}${pwned}`, `$(touch ${pwned})`, `\`touch ${pwned}\``,
      `-oProxyCommand=touch ${pwned}`, `127.0.0.2 && touch ${pwned}`, `127.0.0.2\ntouch ${pwned}`, `a|touch ${pwned}`,
    ];
    for (const name of names) {
      const [ok, message, code] = await one.call('one.host.allocate', name, 'im_kvm', 'vmm_dummy', 'tm_dummy');
      assert.equal(ok, false, `host name ${JSON.stringify(name)} was accepted`);
      assert.match(String(message), /[Ii]nvalid host name/);
      assert.notEqual(code, 0);
    }
    const pool = String(await one.ok('one.hostpool.info'));
    assert.doesNotMatch(pool, /pwned/, 'no refused host is in the pool');

    // Shell syntax in probe output is only data: stored as text, never run.
    const hid = await allocate(ssh.hosts[0].address, 'im_odd');
    await monitoredAfter(hid, 0);
    const xml = await info(hid);
    assert.equal(templateValue(xml, 'NOTE'), `$(touch ${pwned}-a)`);
    assert.equal(Number(tag(xml, 'MAX_MEM')), 2048);
    // Give anything that might run it a few more monitoring rounds.
    const seen = Number(tag(xml, 'LAST_MON_TIME'));
    await reaches(hid, MONITORED, 60_000, (x) => Number(tag(x, 'LAST_MON_TIME')) >= seen + 2);
    for (const suffix of ['', '-a', '-b']) assert.equal(existsSync(`${pwned}${suffix}`), false, `${pwned}${suffix} was created`);
  });

  it('skips DISABLED hosts: no MONITOR reaches them and LAST_MON_TIME stays until the host is enabled again', async () => {
    // Waits on the log and on what the hosts' probes record, never on a sampled state: a host
    // monitored every second is MONITORING most of the time, so polling for MONITORED races.
    const runs = (name: string) => {
      const file = join(location, `${name}.runs`);
      return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
    };
    const hid = await allocate(ssh.hosts[0].address, 'im_count');
    await allocate(ssh.hosts[0].address, 'im_witness');
    await monitoredAfter(hid, 0);
    await one.ok('one.host.enable', hid, false);
    assert.equal(tag(await info(hid), 'STATE'), DISABLED, 'DISABLED at once, even with a monitoring in flight');
    // A MONITOR already in flight may still land (spec §5.1: LAST_MON_TIME updated, state kept).
    await waitFor('in-flight monitoring to settle', async () => {
      const c = await monitoringCounts(hid);
      return c.started === c.answered;
    }, 60_000);
    const frozen = tag(await info(hid), 'LAST_MON_TIME');
    const runsBefore = runs('im_count');
    // The witness, due at every tick like this host, is monitored three more times meanwhile.
    const witnessBefore = runs('im_witness');
    await waitFor('three more monitorings of the witness host', () => runs('im_witness') >= witnessBefore + 3, 60_000);
    const xml = await info(hid);
    assert.equal(tag(xml, 'STATE'), DISABLED);
    assert.equal(tag(xml, 'LAST_MON_TIME'), frozen);
    // One quiet MONITOR sent just before the disable may reach the host later; its reply is dropped.
    assert.ok(runs('im_count') <= runsBefore + 1, `${runs('im_count') - runsBefore} MONITORs reached the host while DISABLED`);

    const enabledAt = await lastSeq();
    await one.ok('one.host.enable', hid, true);
    await monitoredAfter(hid, enabledAt);
    assert.ok(Number(tag(await info(hid), 'LAST_MON_TIME')) > Number(frozen));
    assert.ok(runs('im_count') > runsBefore);
  });

  async function lastSeq(): Promise<number> {
    let after = 0;
    for (;;) {
      const batch = JSON.parse(String(await one.ok('one.event.poll', after, 10_000, 0))) as { seq: number }[];
      if (batch.length === 0) return after;
      after = batch[batch.length - 1]!.seq;
    }
  }

  /** Long-polls the committed events after `afterSeq` until host `hid` has a `type` event (MONITORED by default). */
  async function monitoredAfter(hid: number, afterSeq: number, type = 'HostMonitored', timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let after = afterSeq; Date.now() < deadline; ) {
      const batch = JSON.parse(String(await one.ok('one.event.poll', after, 1000, 5000))) as { seq: number; stream: string; event: { type: string } }[];
      if (batch.some((e) => e.stream === `host/${hid}` && e.event.type === type)) return;
      if (batch.length > 0) after = batch[batch.length - 1]!.seq;
    }
    throw new Error(`timed out waiting for a ${type} event of host ${hid} after seq ${afterSeq}`);
  }

  /** MONITORs started for host `hid`, and results folded in, from the committed event feed. */
  async function monitoringCounts(hid: number): Promise<{ started: number; answered: number }> {
    let after = 0;
    const counts = { started: 0, answered: 0 };
    for (;;) {
      const batch = JSON.parse(String(await one.ok('one.event.poll', after, 10_000, 0))) as { seq: number; stream: string; event: { type: string } }[];
      if (batch.length === 0) return counts;
      for (const { stream, event } of batch) {
        if (stream !== `host/${hid}`) continue;
        if (event.type === 'HostMonitoringStarted') counts.started++;
        if (event.type === 'HostMonitored' || event.type === 'HostMonitorFailed') counts.answered++;
      }
      after = batch[batch.length - 1]!.seq;
    }
  }
});
