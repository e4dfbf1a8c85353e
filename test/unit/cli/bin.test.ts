import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha1Hex } from '../../../src/cli/lib/auth.ts';
import { VM_POOL_XML } from './fixtures.ts';

const root = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'one-bin-'));
const authFile = join(dir, 'one_auth');
writeFileSync(authFile, 'oneadmin:opennebula\n');
// A private bundle cache, so this test also exercises the build and never
// races other test files over the shared one.
const cache = join(dir, 'cache');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function runBin(tool: string, args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((done) => {
    const child = execFile(
      join(root, 'bin', tool),
      args,
      { env: { PATH: process.env.PATH ?? '', HOME: dir, ONE_TS_CLI_CACHE: cache, ...env }, timeout: 20_000 },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

const xmlRpcArray = (...values: string[]) =>
  `<?xml version="1.0"?><methodResponse><params><param><value><array><data>${values.join('')}</data></array></value></param></params></methodResponse>`;
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A stub oned: fails every call as 3.x does, except vmpool.info (answered
 * in the 1.4 shape) and host.info (an XML-RPC fault).
 */
let server: Server;
let endpoint = '';
const bodies: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      const fault =
        '<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>-501</int></value></member>' +
        '<member><name>faultString</name><value><string>no such method</string></value></member></struct></value></fault></methodResponse>';
      const answer = body.includes('<methodName>one.host.info</methodName>')
        ? fault
        : body.includes('<methodName>one.vmpool.info</methodName>')
        ? xmlRpcArray('<value><boolean>1</boolean></value>', `<value><string>${escape(VM_POOL_XML)}</string></value>`)
        : xmlRpcArray('<value><boolean>0</boolean></value>', '<value><string>msg</string></value>', '<value><i4>1024</i4></value>');
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/RPC2`;
});

after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

describe('bin/ scripts', () => {
  it('print the version without oned', async () => {
    const run = await runBin('onevm', ['--version'], {});
    assert.deepEqual(run, { code: 0, stdout: 'OpenNebula 1.4.0\n', stderr: '' });
  });

  it('report an unreachable oned as Error: … with exit code 255', async () => {
    const port = await closedPort();
    const run = await runBin('onehost', ['list'], { ONE_AUTH: authFile, ONE_XMLRPC: `http://127.0.0.1:${port}/RPC2` });
    assert.equal(run.code, 255);
    assert.match(run.stderr, new RegExp(`^Error: cannot reach oned at http://127\\.0\\.0\\.1:${port}/RPC2 \\(ECONNREFUSED\\)`));
    assert.equal(run.stdout, '');
  });

  it('print oned’s message from [false, "msg", 0x400] and exit 255', async () => {
    const run = await runBin('onevm', ['show', '3'], { ONE_AUTH: authFile, ONE_XMLRPC: endpoint });
    assert.deepEqual(run, { code: 255, stdout: '', stderr: 'Error: msg\n' });
    assert.ok(bodies.at(-1)!.includes(`<string>oneadmin:${sha1Hex('opennebula')}</string>`));
    assert.ok(bodies.at(-1)!.includes('<methodName>one.vm.info</methodName>'));
  });

  it('report an XML-RPC fault with its code', async () => {
    const run = await runBin('onehost', ['show', '1'], { ONE_AUTH: authFile, ONE_XMLRPC: endpoint });
    assert.deepEqual(run, { code: 255, stdout: '', stderr: 'Error: one.host.info: no such method (fault -501)\n' });
  });

  it('accept the 2-element 1.4 answer', async () => {
    const run = await runBin('onevm', ['list', '-l', 'id,name'], { ONE_AUTH: authFile, ONE_XMLRPC: endpoint });
    assert.deepEqual(run, { code: 0, stdout: '  ID NAME\n   0 ttylinux\n   1 web-serv\n  12 db\n', stderr: '' });
  });

  it('name ONE_AUTH and ~/.one/one_auth when no credentials can be read', async () => {
    const run = await runBin('oneuser', ['list'], { ONE_XMLRPC: endpoint });
    assert.equal(run.code, 255);
    assert.match(run.stderr, /^Error: cannot read credentials file .*\.one\/one_auth \(ENOENT\).*ONE_AUTH.*~\/\.one\/one_auth\n$/);
  });

  it('rebuild the bundle when a source it was built from changed', async () => {
    const manifestPath = join(cache, 'inputs.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { inputs: Record<string, string> };
    assert.ok('src/cli/onevm.ts' in manifest.inputs);
    const builtAt = statSync(join(cache, 'cli.cjs')).mtimeMs;
    await runBin('onevnet', ['--version'], {});
    assert.equal(statSync(join(cache, 'cli.cjs')).mtimeMs, builtAt, 'a fresh bundle is reused');
    assert.equal(readdirSync(cache).filter((f) => f.endsWith('.v8cache')).length, 1, 'V8 code cache written');
    manifest.inputs['src/cli/onevm.ts'] = '0:0';
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const run = await runBin('onevnet', ['--version'], {});
    assert.equal(run.stdout, 'OpenNebula 1.4.0\n');
    assert.notEqual(statSync(join(cache, 'cli.cjs')).mtimeMs, builtAt);
  });

  it('fall back to tsx when no bundle can be built', async () => {
    const run = await runBin('oneuser', ['--version'], { ONE_TS_CLI_CACHE: join(authFile, 'not-a-dir') });
    assert.deepEqual(run, { code: 0, stdout: 'OpenNebula 1.4.0\n', stderr: '' });
  });
});
