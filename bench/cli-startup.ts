/**
 * CLI start-up time: how long `onevm --version` and `onevm list` (against a
 * local stub oned) take as whole processes, next to bare `node` and to the
 * un-bundled tsx path. Target: < 300 ms for `onevm --version`.
 *
 *   node --import tsx bench/cli-startup.ts [--small]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const small = process.argv.includes('--small');
const iterations = small ? 3 : 30;
const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'one-cli-bench-'));
const cache = join(dir, 'cache');
const authFile = join(dir, 'one_auth');
writeFileSync(authFile, 'oneadmin:opennebula\n');

const vms = Array.from(
  { length: 100 },
  (_, i) =>
    `<VM><ID>${i}</ID><UID>0</UID><USERNAME>oneadmin</USERNAME><NAME>vm${i}</NAME><LAST_POLL>0</LAST_POLL><STATE>3</STATE>` +
    `<LCM_STATE>3</LCM_STATE><STIME>1700000000</STIME><ETIME>0</ETIME><DEPLOY_ID>one-${i}</DEPLOY_ID><MEMORY>65536</MEMORY>` +
    '<CPU>1</CPU><NET_TX>0</NET_TX><NET_RX>0</NET_RX></VM>',
).join('');
const poolAnswer =
  '<?xml version="1.0"?><methodResponse><params><param><value><array><data><value><boolean>1</boolean></value>' +
  `<value><string>${`<VM_POOL>${vms}</VM_POOL>`.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</string></value>` +
  '<value><i4>0</i4></value></data></array></value></param></params></methodResponse>';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/xml' }).end(poolAnswer));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/RPC2`;

function timeRun(file: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((done, fail) => {
    execFile(
      file,
      args,
      { env: { ...process.env, ONE_TS_CLI_CACHE: cache, ONE_AUTH: authFile, ONE_XMLRPC: endpoint, ...env } },
      (err) => (err ? fail(err) : done(Number(process.hrtime.bigint() - start) / 1e6)),
    );
  });
}

async function sample(n: number, run: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await run());
  return out.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))].toFixed(1));

const onevm = join(root, 'bin', 'onevm');
try {
  const coldBuild = await timeRun(onevm, ['--version']);
  await timeRun(onevm, ['--version']); // writes V8's code cache
  const nodeBare = await sample(iterations, () => timeRun(process.execPath, ['-e', '0']));
  const version = await sample(iterations, () => timeRun(onevm, ['--version']));
  const list = await sample(iterations, () => timeRun(onevm, ['list']));
  const tsx = await sample(small ? 1 : Math.floor(iterations / 5), () =>
    timeRun(onevm, ['--version'], { ONE_TS_CLI_NO_BUNDLE: '1' }),
  );
  const figures = {
    node_bare_ms_p50: pct(nodeBare, 0.5),
    onevm_version_ms_p50: pct(version, 0.5),
    onevm_version_ms_p95: pct(version, 0.95),
    onevm_list_100_vms_ms_p50: pct(list, 0.5),
    onevm_list_100_vms_ms_p95: pct(list, 0.95),
    onevm_version_tsx_unbundled_ms_p50: pct(tsx, 0.5),
    cold_build_first_run_ms: Number(coldBuild.toFixed(1)),
  };
  console.log(
    JSON.stringify({
      bench: 'cli-startup',
      workload: { iterations, list_vms: 100 },
      figures,
      machine: { cores: cpus().length, node: process.version },
    }),
  );
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
