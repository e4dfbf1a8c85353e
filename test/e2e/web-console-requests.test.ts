import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { consoleLogin, consoleRequest, sseUntil } from '../helpers/console-requests.ts';
import { freePort } from '../helpers/free-port.ts';
import { dummyConf, makeLocation, Oned, onedExpectingFailure, sha1hex, waitFor } from '../helpers/oned-harness.ts';

/**
 * The web console's server without a browser, as a forger or a script
 * would talk to it: login, CSRF and origin checks, bad input, logout, and
 * the event stream's resume. (web-console.test.ts drives the page itself.)
 */
let one: Oned;
let url: string;
const request = (path: string, options?: Parameters<typeof consoleRequest>[2]) => consoleRequest(url, path, options);
const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('web console requests', { timeout: 120_000 }, () => {
  before(async () => {
    const port = await freePort();
    one = await Oned.start({ conf: `CONSOLE_PORT = ${port}` });
    url = `http://127.0.0.1:${port}/`;
    await one.ok('one.host.allocate', 'node1', 'im_dummy', 'vmm_dummy', 'tm_dummy');
    await one.ok('one.user.allocate', 'bob', sha1hex('bob-pw'));
    for (let i = 0; i < 4; i++) await one.ok('one.vm.allocate', `NAME = vm${i}\nCPU = 0.1\nMEMORY = 64`);
    await one.ok('one.vm.deploy', 0, 0);
    await waitFor('VM 0 running', async () => /<LCM_STATE>3<\/LCM_STATE>/.test(String(await one.ok('one.vm.info', 0))));
  });

  after(async () => {
    await one?.stop();
    one?.remove();
  });

  it('logs in with the API\'s users and passwords; the cookie is HttpOnly and SameSite=Strict', async () => {
    const wrong = await request('/api/login', { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ user: 'bob', password: 'nope' }) });
    assert.deepEqual([wrong.status, wrong.body.code, wrong.setCookie], [401, 0x100, null]);
    assert.match(wrong.body.message!, /^User not authenticated/);
    const right = await request('/api/login', { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ user: 'bob', password: 'bob-pw' }) });
    assert.equal(right.status, 200);
    assert.equal(right.body.uid, 1);
    assert.match(right.setCookie!, /^one_console=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    // A login form posted from another site is neither JSON nor same-origin.
    const form = await request('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'user=bob&password=bob-pw' });
    assert.equal(form.status, 415);
    const crossSite = await request('/api/login', { method: 'POST', headers: { ...JSON_TYPE, Origin: 'http://evil.example' }, body: JSON.stringify({ user: 'bob', password: 'bob-pw' }) });
    assert.equal(crossSite.status, 403);
  });

  it('refuses a POST without the CSRF token, with a wrong one, or from another site', async () => {
    const { cookie, csrf } = await consoleLogin(url, 'oneadmin', 'secret');
    const body = JSON.stringify({ method: 'one.vm.action', params: ['shutdown', 0] });
    for (const headers of [JSON_TYPE, { ...JSON_TYPE, 'X-CSRF-Token': `x${csrf.slice(1)}` }, { ...JSON_TYPE, 'X-CSRF-Token': '' }]) {
      const r = await request('/api/call', { method: 'POST', cookie, headers, body });
      assert.equal(r.status, 403);
      assert.deepEqual(r.body, { ok: false, message: 'Missing or wrong CSRF token', code: 0x200 });
    }
    const crossSite = await request('/api/call', { method: 'POST', cookie, headers: { ...JSON_TYPE, 'X-CSRF-Token': csrf, Origin: 'http://evil.example' }, body });
    assert.equal(crossSite.status, 403);
    const noCookie = await request('/api/call', { method: 'POST', headers: { ...JSON_TYPE, 'X-CSRF-Token': csrf }, body });
    assert.equal(noCookie.status, 401);
    assert.match(String(await one.ok('one.vm.info', 0)), /<LCM_STATE>3<\/LCM_STATE>/, 'VM 0 still RUNNING');
    const withToken = await request('/api/call', { method: 'POST', cookie, headers: { ...JSON_TYPE, 'X-CSRF-Token': csrf }, body: JSON.stringify({ method: 'one.vm.info', params: [0] }) });
    assert.equal(withToken.body.ok, true, 'the same request with the token goes through');
  });

  it('answers bad input with the API\'s errors and codes; a logged-out session can do nothing', async () => {
    const { cookie, csrf } = await consoleLogin(url, 'bob', 'bob-pw');
    const post = (body: string, type = 'application/json') =>
      request('/api/call', { method: 'POST', cookie, headers: { 'Content-Type': type, 'X-CSRF-Token': csrf }, body });
    // A NUL in a template is refused by the dispatcher, as over XML-RPC, and named without being echoed.
    const nul = await post(JSON.stringify({ method: 'one.vm.allocate', params: ['NAME = "a\u0000b"\nMEMORY = 64'] }));
    assert.deepEqual([nul.body.ok, nul.body.code], [false, 0x1000]);
    assert.match(nul.body.message!, /U\+0000/);
    const notAllowed = await post(JSON.stringify({ method: 'one.user.allocate', params: ['eve', 'x'] }));
    assert.deepEqual([notAllowed.status, notAllowed.body.code], [400, 0x1000]);
    assert.match(notAllowed.body.message!, /does not call "one.user.allocate"/);
    for (const bad of ['{"method": "one.vm.info", "params": [0', '[]', JSON.stringify({ method: 'one.vm.info', params: [{ $where: 1 }] })]) {
      const r = await post(bad);
      assert.deepEqual([r.status, r.body.ok, r.body.code], [400, false, 0x1000], bad);
    }
    const badSeq = await request('/api/events', { cookie, headers: { 'Last-Event-ID': '$(id)' } });
    assert.deepEqual([badSeq.status, badSeq.body.code], [400, 0x1000]);
    assert.equal((await request('/api/vm/1;id/timeline', { cookie })).status, 404);
    const othersTimeline = await request('/api/vm/0/timeline', { cookie });
    assert.deepEqual(othersTimeline.body, { ok: false, message: 'User not authorized to perform operation upon VirtualMachine [0]', code: 0x200 });

    const out = await request('/api/logout', { method: 'POST', cookie, headers: { ...JSON_TYPE, 'X-CSRF-Token': csrf }, body: '{}' });
    assert.equal(out.status, 200);
    const afterLogout = await post(JSON.stringify({ method: 'one.vm.info', params: [0] }));
    assert.deepEqual([afterLogout.status, afterLogout.body.code], [401, 0x100]);
  });

  it('resumes the event stream after Last-Event-ID with nothing missed', async () => {
    const { cookie } = await consoleLogin(url, 'oneadmin', 'secret');
    const all = JSON.parse(String(await one.ok('one.event.poll', 0, 10_000, 0))) as { seq: number; stream: string }[];
    const from = all[2]!.seq; // as if the browser had seen the first three events
    const expected = all.filter((e) => e.seq > from).map((e) => `${e.seq} ${e.stream}`);
    assert.ok(expected.length > 5, `a meaningful stretch of the log (${expected.length} events)`);
    assert.deepEqual(await sseUntil(url, cookie, from, all[all.length - 1]!.seq), expected);
  });
});

describe('web console start-up', () => {
  it('a CONSOLE_PORT in use stops oned with one line that names the key', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    const location = makeLocation(dummyConf(await freePort(), `CONSOLE_PORT = ${port}`));
    try {
      const run = await onedExpectingFailure(location);
      assert.equal(run.code, 1);
      assert.equal(run.stderr, `oned: port ${port} on 127.0.0.1 is already in use (CONSOLE_PORT in oned.conf)\n`);
    } finally {
      taken.close();
      rmSync(location, { recursive: true, force: true });
    }
  });
});
