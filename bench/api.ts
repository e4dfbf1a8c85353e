/**
 * XML-RPC API figures against a real oned (dummy drivers, no hosts, so
 * nothing but the bench moves): `one.vm.info` calls/s with 1, 4 and 16
 * keep-alive clients, `one.system.version` calls/s, `one.vmpool.info`
 * latency with 10k and 100k VMs, how fast the VMs went in, oned's RSS with
 * them loaded, and CLI start-up (`bin/onevm --version`). On a second, fresh
 * oned: a new client's first login during a 64-connection bad-password flood
 * (the slowest of 5, and a first login without the flood for comparison), and
 * oned's peak RSS while 16 requests at the 8 MiB body limit arrive at once.
 * First, the whole front-end as `one start` runs it (bench/lib/frontend.ts):
 * `frontend_rss_mb` idle and with 1,000 VMs RUNNING, and the time from
 * `one start` to the first answered call (target: under 250 MB idle), and
 * `one.vmpool.info` of those 1,000 RUNNING VMs in raw HTTP time (target: < 5 ms).
 * Targets: ≥ 2,000 vm.info/s, vmpool.info of 10k < 200 ms, CLI < 300 ms,
 * login under the flood < 1 s, peak RSS with 16 maximum bodies < 512 MB.
 * The client runs in this process, so on 2 cores it competes with oned for CPU.
 * To profile oned, run it by hand with `node --cpu-prof --import tsx src/main/oned.ts -f`
 * (Node 20 refuses --cpu-prof in NODE_OPTIONS).
 *
 *   node --import tsx bench/api.ts [--small]
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { XmlRpcClient, type XmlRpcValue } from '../src/rpc/client.ts';
import { parseMethodResponse } from '../src/rpc/xmlrpc/decode.ts';
import { serializeMethodCall } from '../src/rpc/xmlrpc/encode.ts';
import { allocateOfSize, codeOf, concurrentBodies, login, loginsUnderFlood } from '../test/helpers/api-abuse.ts';
import { Oned, REPO, sha1hex } from '../test/helpers/oned-harness.ts';
import { frontendFigures } from './lib/frontend.ts';
import { post } from './lib/raw-call.ts';
import { isSmallRun, perSecond, printReport } from './lib/report.ts';

const small = isSmallRun();
const POOL_SIZES = small ? [100, 200] : [10_000, 100_000];
const WINDOW_MS = small ? 300 : 3_000;
const POOL_SAMPLES = small ? 3 : [11, 5];
const CLI_RUNS = small ? 3 : 10;
const ALLOCATE_IN_FLIGHT = 64;
const FLOOD_LOGINS = small ? 2 : 5;
const MAX_BODIES = small ? 4 : 16;
const FRONTEND_VMS = small ? 20 : 1_000;

const progress = (line: string) => process.stderr.write(`[api bench] ${line}\n`);
const round1 = (n: number) => Math.round(n * 10) / 10;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function expectOk(method: string, answer: XmlRpcValue): XmlRpcValue {
  const [ok, value, code] = answer as [boolean, XmlRpcValue, number];
  if (!ok) throw new Error(`${method} failed (${code}): ${String(value)}`);
  return value;
}

/**
 * `clients` keep-alive clients (one socket each), each calling back to back
 * for WINDOW_MS; answers are checked so a failing call cannot look fast.
 */
async function callsPerSecond(one: Oned, clients: number, method: string, params: (i: number) => XmlRpcValue[]): Promise<number> {
  const pool = Array.from({ length: clients }, () => new XmlRpcClient(`http://127.0.0.1:${one.port}/RPC2`, { maxSockets: 1 }));
  try {
    // Warm-up: sockets open, sessions cached, JIT settled a little.
    await Promise.all(pool.map(async (c) => { for (let i = 0; i < 20; i++) expectOk(method, await c.call(method, [one.session, ...params(i)])); }));
    let calls = 0;
    const started = performance.now();
    const deadline = started + WINDOW_MS;
    await Promise.all(
      pool.map(async (c, k) => {
        for (let i = k; performance.now() < deadline; i += clients) {
          expectOk(method, await c.call(method, [one.session, ...params(i)]));
          calls++;
        }
      }),
    );
    return perSecond(calls, performance.now() - started);
  } finally {
    for (const c of pool) c.close();
  }
}

/** Allocates VMs until there are `total`, ALLOCATE_IN_FLIGHT calls at a time; returns the elapsed ms. */
async function allocateUpTo(one: Oned, from: number, total: number): Promise<number> {
  const client = new XmlRpcClient(`http://127.0.0.1:${one.port}/RPC2`, { maxSockets: ALLOCATE_IN_FLIGHT, timeoutMs: 300_000 });
  const started = performance.now();
  let next = from;
  try {
    await Promise.all(
      Array.from({ length: ALLOCATE_IN_FLIGHT }, async () => {
        while (next < total) {
          const i = next++;
          expectOk('one.vm.allocate', await client.call('one.vm.allocate', [one.session, `NAME = bench${i}\nCPU = 0.1\nMEMORY = 64`]));
          if (i % 10_000 === 9_999) progress(`${i + 1} VMs allocated`);
        }
      }),
    );
    return performance.now() - started;
  } finally {
    client.close();
  }
}

/**
 * `one.vmpool.info(-2)` over one kept-alive socket, p50 over `samples`:
 * `body` = request sent until the whole answer is in (oned's work plus the
 * transfer), `total` = that plus decoding the answer with our XML-RPC
 * decoder, i.e. what the CLI sees. Split so a slow figure points at a side.
 */
async function poolInfoMs(one: Oned, expectVms: number, samples: number): Promise<{ body: number; total: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = Buffer.from(serializeMethodCall('one.vmpool.info', [one.session, -2]));
  const body: number[] = [];
  const total: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      const text = (await post(agent, one.port, request)).toString('utf8');
      body.push(performance.now() - started);
      const response = parseMethodResponse(text);
      total.push(performance.now() - started);
      const xml = response.kind === 'params' ? String(expectOk('one.vmpool.info', response.params[0]!)) : '';
      if (i === 0 && !xml.includes(`<VM><ID>${expectVms - 1}</ID>`, xml.length - 4096)) {
        throw new Error(`one.vmpool.info did not end with VM ${expectVms - 1}`);
      }
    }
  } finally {
    agent.destroy();
  }
  return { body: round1(median(body)), total: round1(median(total)) };
}

function rssMbOf(pid: number): number {
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return round1(kb / 1024);
}

function cliStartMs(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(join(REPO, 'bin', 'onevm'), ['--version'], (err) => (err ? reject(err) : resolve(performance.now() - started))),
  );
}

/** Logins and large bodies, on an oned of its own so that neither disturbs the other figures. */
async function abuseFigures(figures: Record<string, number>): Promise<void> {
  const fresh = await Oned.start();
  try {
    const quiet: number[] = [];
    for (let i = 0; i < 3; i++) {
      await fresh.ok('one.user.allocate', `quiet${i}`, sha1hex('pw'));
      const { answer, ms } = await login(fresh.port, `127.0.0.${200 + i}`, `quiet${i}`, 'pw');
      if (codeOf(answer) !== 0) throw new Error(`quiet${i} could not log in: ${JSON.stringify(answer)}`);
      quiet.push(ms);
    }
    figures.login_quiet_ms = round1(median(quiet));
    figures.login_under_flood_ms = round1(Math.max(...(await loginsUnderFlood(fresh, FLOOD_LOGINS))));
    progress(`first login: ${figures.login_quiet_ms} ms, under a 64-connection flood ${figures.login_under_flood_ms} ms (slowest of ${FLOOD_LOGINS})`);
    const { peakMb } = await concurrentBodies(fresh, allocateOfSize(fresh.session, 8 * 1024 * 1024), MAX_BODIES);
    figures[`rss_peak_mb_${MAX_BODIES}_max_bodies`] = peakMb;
    progress(`peak RSS with ${MAX_BODIES} concurrent 8 MiB requests: ${peakMb} MB`);
  } finally {
    await fresh.stop();
    fresh.remove();
  }
}

const figures: Record<string, number> = {};
Object.assign(figures, await frontendFigures(FRONTEND_VMS));
progress(`front-end (oned, drivers, mm_sched): first answer ${figures.one_start_to_first_answer_s} s after one start, ` +
  `${figures.frontend_rss_mb} MB idle, ${figures[`frontend_rss_mb_${FRONTEND_VMS}_running`]} MB with ${FRONTEND_VMS} VMs running`);
await abuseFigures(figures);
const one = await Oned.start();
try {
  const pid = one.process.pid!;
  figures.rss_mb_empty = rssMbOf(pid);
  figures.system_version_calls_per_s_c1 = await callsPerSecond(one, 1, 'one.system.version', () => []);
  figures.system_version_calls_per_s_c16 = await callsPerSecond(one, 16, 'one.system.version', () => []);

  let loaded = 0;
  for (const [k, size] of POOL_SIZES.entries()) {
    const ms = await allocateUpTo(one, loaded, size);
    figures[`allocate_to_${size}_vms_s`] = round1(ms / 1000);
    figures[`allocate_to_${size}_vms_calls_per_s`] = perSecond(size - loaded, ms);
    progress(`${size} VMs in ${round1(ms / 1000)} s`);
    loaded = size;
    // Let the allocation burst drain (group commits, vm.log appends) so it does not count against the reads.
    await new Promise((r) => setTimeout(r, small ? 100 : 2_000));
    const samples = Array.isArray(POOL_SAMPLES) ? POOL_SAMPLES[k]! : POOL_SAMPLES;
    figures[`rss_mb_${size}_vms`] = rssMbOf(pid);
    const pool = await poolInfoMs(one, size, samples);
    figures[`vmpool_info_${size}_ms_p50`] = pool.total;
    figures[`vmpool_info_${size}_body_ms_p50`] = pool.body;
    progress(`vmpool.info of ${size}: ${pool.total} ms p50 (${pool.body} ms until the answer is in)`);
    if (k === 0) {
      // vm.info over the first pool, spread over its VMs.
      for (const c of [1, 4, 16]) {
        figures[`vm_info_calls_per_s_c${c}`] = await callsPerSecond(one, c, 'one.vm.info', (i) => [(i * 7919) % size]);
        progress(`vm.info c${c}: ${figures[`vm_info_calls_per_s_c${c}`]}/s`);
      }
    }
  }
  const largest = POOL_SIZES[POOL_SIZES.length - 1]!;
  figures[`vm_info_calls_per_s_c16_${largest}_vms`] = await callsPerSecond(one, 16, 'one.vm.info', (i) => [(i * 7919) % largest]);
  // Includes garbage from the big pool answers not yet collected.
  figures[`rss_mb_${largest}_vms_after_reads`] = rssMbOf(pid);

  const cli: number[] = [];
  for (let i = 0; i < CLI_RUNS + 1; i++) cli.push(await cliStartMs());
  figures.onevm_version_ms_p50 = round1(median(cli.slice(1))); // the first run may build the CLI bundle
} finally {
  await one.stop();
}

printReport(
  'api',
  { frontend_vms: FRONTEND_VMS, pool_sizes: POOL_SIZES, window_ms: WINDOW_MS, allocate_in_flight: ALLOCATE_IN_FLIGHT, cli_runs: CLI_RUNS, flood_logins: FLOOD_LOGINS, max_bodies: MAX_BODIES },
  figures,
);
// After the report: removing 100k per-VM directories (var/<vid>/) takes a minute or two.
one.remove();
