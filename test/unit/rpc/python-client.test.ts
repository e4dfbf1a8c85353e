import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { session } from './fake-core.ts';
import { startHarness, type Harness } from './rpc-test-server.ts';

// Drives the server with Python's standard xmlrpc.client (another implementation's encoder and parser).
const SCRIPT = String.raw`
import json, sys, xmlrpc.client
url, admin = sys.argv[1], sys.argv[2]
s = xmlrpc.client.ServerProxy(url)
out = {}
out["version"] = s.one.system.version(admin)
out["allocate"] = s.one.vm.allocate(admin, 'NAME = "a <b> & c"\nMEMORY = 64\n')
vid = out["allocate"][1]
out["info"] = s.one.vm.info(admin, vid)
out["pool"] = s.one.vmpool.info(admin, -2, True, -1)
out["badauth"] = s.one.vm.info("oneadmin:" + "0" * 40, vid)
out["badtype"] = s.one.vm.info(admin, "x")
out["unicode"] = s.one.user.allocate(admin, "ünï", "t\u00e9st<&>")
try:
    s.one.no.such(admin)
    out["fault"] = None
except xmlrpc.client.Fault as f:
    out["fault"] = [f.faultCode, f.faultString]
print(json.dumps(out))
`;

function runPython(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`python3 exited ${code}: ${stderr}`));
    });
  });
}

describe('Python xmlrpc.client against the server', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  it('gets the same answers a Ruby or Python OCA would', async () => {
    const out = JSON.parse(await runPython([h.url, session('oneadmin', 'adminpass')]));
    assert.deepEqual(out.version, [true, '1.4.0-one-ts', 0]);
    const [ok, vid, code] = out.allocate;
    assert.deepEqual([ok, code], [true, 0]);
    assert.equal(out.info[0], true);
    assert.match(out.info[1], new RegExp(`^<VM><ID>${vid}</ID><UID>0</UID>`));
    assert.equal(out.pool[0], true);
    assert.match(out.pool[1], /^<VM_POOL><VM><ID>\d+<\/ID><UID>0<\/UID><USERNAME>oneadmin<\/USERNAME>/);
    assert.deepEqual(out.badauth, [false, 'User not authenticated, aborting RequestManagerInfo call.', 0x100]);
    assert.equal(out.badtype[0], false);
    assert.equal(out.badtype[2], 0x1000);
    assert.equal(out.unicode[0], true);
    assert.equal(h.core.user(out.unicode[1])?.name, 'ünï');
    assert.equal(out.fault[0], -506);
    assert.match(out.fault[1], /one\.no\.such/);
  });
});
