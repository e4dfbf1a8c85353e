/**
 * oned's /metrics endpoint (METRICS_PORT), scraped over HTTP and read with
 * an exposition-format parser we did not write: Python's prometheus_client
 * (Debian's python3-prometheus-client, hence /usr/bin/python3 and not the
 * python3 first on PATH, which may be another install without it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { dummyConf, makeLocation, Oned, REPO, waitFor } from '../helpers/oned-harness.ts';

type Labels = Record<string, string>;
interface Parsed {
  readonly families: Record<string, string>;
  readonly samples: [string, Labels, number | string][];
}

function parse(text: string): Parsed {
  const r = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'python', 'parse_metrics.py')], { input: text, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `the parser refused the exposition: ${r.stderr}`);
  return JSON.parse(r.stdout) as Parsed;
}

async function scrape(port: number): Promise<Parsed> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

/** The value of the one sample named `name` whose labels include `labels`; the sum when several match. */
function value(p: Parsed, name: string, labels: Labels = {}): number | undefined {
  const found = p.samples.filter(([n, l]) => n === name && Object.entries(labels).every(([k, v]) => l[k] === v));
  return found.length === 0 ? undefined : found.reduce((sum, [, , v]) => sum + Number(v), 0);
}

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];

/** TCP ports a process listens on, from its socket fds and /proc/net/tcp{,6}. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set(readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]].filter((x) => x !== undefined);
    } catch {
      return []; // closed meanwhile
    }
  }));
  const ports = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8').split('\n').slice(1).map((row) => row.trim().split(/\s+/))
      // local_address is column 1 (addr:PORT in hex), st column 3 (0A = LISTEN), inode column 9.
      .filter((cols) => cols[3] === '0A' && inodes.has(cols[9]!))
      .map((cols) => parseInt(cols[1]!.split(':')[1]!, 16)));
  return [...new Set(ports)].sort((a, b) => a - b);
}

function connectError(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 5000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code));
  });
}

describe('/metrics', () => {
  it('exposes events, VMs and hosts per state, driver requests, API calls and the checkpoint age', async () => {
    const metricsPort = await freePort();
    const one = await Oned.start({ conf: `METRICS_PORT = ${metricsPort}\nCHECKPOINT_INTERVAL = 1` });
    try {
      assert.deepEqual(listeningPorts(one.process.pid!), [one.port, metricsPort].sort((a, b) => a - b));
      await one.ok('one.host.allocate', 'node1', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      await waitFor('host MONITORED', async () => tag(await one.ok('one.host.info', 0), 'STATE') === '2');
      const vids: number[] = [];
      for (const name of ['a', 'b', 'c']) vids.push((await one.ok('one.vm.allocate', `NAME = ${name}\nCPU = 0.1\nMEMORY = 16`)) as number);
      for (const vid of vids.slice(0, 2)) await one.ok('one.vm.deploy', vid, 0);
      for (const vid of vids.slice(0, 2)) {
        await waitFor(`VM ${vid} RUNNING`, async () => tag(await one.ok('one.vm.info', vid), 'LCM_STATE') === '3', 30_000);
      }
      const [ok, , code] = await one.call('one.vm.info', 99);
      assert.equal(ok, false);
      const failed = `0x${code.toString(16)}`;
      // A made-up method name becomes no label of its own (a caller cannot grow the series).
      await assert.rejects(one.client.call('one.no.such', [one.session]), /-506|not defined/);

      // The checkpoint timer runs every second: wait for one taken after the VMs ran.
      const p = await waitFor('a checkpoint', async () => {
        const s = await scrape(metricsPort);
        return Number.isFinite(value(s, 'one_checkpoint_age_seconds')) && value(s, 'one_vms', { lcm_state: 'RUNNING' }) === 2 && s;
      });
      assert.equal(p.families.one_events_appended, 'counter');
      assert.equal(p.families.one_driver_request_duration_seconds, 'histogram');
      assert.ok(value(p, 'one_events_appended_total')! > 0);
      assert.ok(value(p, 'one_events_appended_total', { kind: 'vm' })! >= 3 * 1 + 2 * 3, 'allocated ×3, deployed/prolog/boot ×2 at least');
      assert.equal(value(p, 'one_api_calls_total', { method: 'one.vm.allocate', code: '0' }), 3);
      assert.equal(value(p, 'one_api_calls_total', { method: 'one.vm.info', code: failed }), 1, `the failing call, code ${failed}`);
      assert.ok(value(p, 'one_api_call_duration_seconds_count', { method: 'one.vm.info' })! >= 2);
      assert.equal(value(p, 'one_api_calls_total', { method: '(unknown)', code: '-506' }), 1);
      assert.equal(p.samples.some(([, l]) => l.method?.includes('no.such')), false);
      assert.equal(value(p, 'one_vms', { state: 'ACTIVE', lcm_state: 'RUNNING' }), 2);
      assert.equal(value(p, 'one_vms', { state: 'PENDING', lcm_state: 'LCM_INIT' }), 1);
      assert.equal(value(p, 'one_vms_pending'), 1);
      assert.equal(value(p, 'one_hosts', { state: 'MONITORED' })! + value(p, 'one_hosts', { state: 'MONITORING' })!, 1);
      assert.equal(value(p, 'one_hosts', { state: 'ERROR' }), 0);
      assert.equal(value(p, 'one_vm_placements_total'), 2);
      assert.equal(value(p, 'one_driver_requests_total', { driver: 'vmm_dummy', verb: 'DEPLOY' }), 2);
      assert.equal(value(p, 'one_driver_request_duration_seconds_count', { driver: 'vmm_dummy', verb: 'DEPLOY' }), 2);
      assert.ok(value(p, 'one_driver_requests_total', { driver: 'im_dummy', verb: 'MONITOR' })! >= 1);
      assert.ok(value(p, 'one_driver_requests_total', { driver: 'tm_dummy', verb: 'TRANSFER' })! >= 2);
      assert.equal(value(p, 'one_driver_request_failures_total', { driver: 'vmm_dummy', verb: 'DEPLOY' }), undefined);
      const age = value(p, 'one_checkpoint_age_seconds')!;
      assert.ok(age >= 0 && age < 30, `checkpoint age ${age}`);
      assert.ok(value(p, 'one_checkpoints_total', { result: 'written' })! >= 1);
      assert.ok(value(p, 'one_monitoring_lag_seconds')! >= 0);
      assert.ok(value(p, 'process_resident_memory_bytes')! > 0);

      // Only /metrics, only GET.
      assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/RPC2`)).status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST', body: 'x' })).status, 405);
      // Bound to loopback: the machine's own outside address is refused.
      const outside = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4')?.address;
      assert.ok(outside, 'this test needs a non-loopback IPv4 address on the machine');
      assert.equal(await connectError(outside, metricsPort), 'ECONNREFUSED');
      assert.equal(await connectError('127.0.0.1', metricsPort), undefined);
    } finally {
      await one.stop();
      one.remove();
    }
  });

  it('is off by default: oned listens on its XML-RPC port only', async () => {
    const one = await Oned.start();
    try {
      assert.deepEqual(listeningPorts(one.process.pid!), [one.port]);
    } finally {
      await one.stop();
      one.remove();
    }
  });

  describe('start-up errors name the metrics keys', () => {
    const locations: string[] = [];
    let held: Server | undefined;
    after(() => {
      held?.close();
      for (const l of locations) rmSync(l, { recursive: true, force: true });
    });
    const startWith = async (extra: string) => {
      const l = makeLocation(dummyConf(await freePort(), extra));
      locations.push(l);
      const r = spawnSync(join(REPO, 'bin', 'oned'), ['-f'], {
        env: { ...process.env, ONE_LOCATION: l, ONE_AUTH: join(l, 'one_auth') }, encoding: 'utf8', timeout: 60_000,
      });
      assert.notEqual(r.status, 0);
      return r.stderr.trim();
    };

    it('a bad value, with file and line', async () => {
      const stderr = await startWith('METRICS_PORT = "9100; $(touch /tmp/x)"');
      assert.match(stderr, /^oned: \S+oned\.conf:\d+: METRICS_PORT: must be an integer from 0 to 65535, got "9100; \$\(touch \/tmp\/x\)"$/);
    });

    it('a metrics port in use, before anything starts', async () => {
      const port = await freePort();
      held = await new Promise<Server>((resolve) => {
        const s = createServer().listen(port, '127.0.0.1', () => resolve(s));
      });
      const stderr = await startWith(`METRICS_PORT = ${port}`);
      assert.equal(stderr, `oned: port ${port} on 127.0.0.1 is already in use (METRICS_PORT in oned.conf)`);
    });
  });
});
