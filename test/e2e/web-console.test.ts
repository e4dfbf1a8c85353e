import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort } from '../helpers/free-port.ts';
import { consoleRequest } from '../helpers/console-requests.ts';
import { HeadlessChromium } from '../helpers/headless-chromium.ts';
import { cliEnv, Oned, REPO, sha1hex, waitFor } from '../helpers/oned-harness.ts';

/**
 * The web console in a real browser (Debian's chromium, headless) against a
 * real oned with dummy drivers and no scheduler: VMs are deployed by hand,
 * from the console or the API. Screenshots of every view go to
 * $TEST_ARTIFACTS (or the temp dir)/one-ts-artifacts/web-console.
 */
const ARTIFACTS = join(process.env.TEST_ARTIFACTS ?? join(tmpdir(), 'one-ts-artifacts'), 'web-console');
// A name an attacker might pick: markup, quotes, command substitution, backticks, a semicolon.
const NASTY = `<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> 'q' $(id) \`id\`; echo`;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let one: Oned;
let chromium: HeadlessChromium;
let consoleUrl: string;
let admin: BrowserContext;
let page: Page;

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function logIn(context: BrowserContext, user: string, password: string): Promise<Page> {
  const p = await context.newPage();
  p.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  await p.goto(consoleUrl);
  // By keyboard only: the form starts focused on the user field, Tab reaches the password, Enter submits.
  await p.getByLabel('User').waitFor();
  assert.equal(await p.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id), 'user');
  await p.keyboard.type(user);
  await p.keyboard.press('Tab');
  await p.keyboard.type(password);
  await p.keyboard.press('Enter');
  await p.getByRole('link', { name: 'VMs' }).waitFor();
  return p;
}

/** The state badge on a VM's page. */
const vmState = (p: Page) => p.locator('#vm-state');

/** A request without the page, with a browser context's cookie: what a forger would send. */
const raw = (path: string, options?: Parameters<typeof consoleRequest>[2]) => consoleRequest(consoleUrl, path, options);

async function cookieOf(context: BrowserContext): Promise<string> {
  const c = (await context.cookies()).find((k) => k.name === 'one_console');
  assert.ok(c, 'the console sets its cookie');
  assert.equal(c.httpOnly, true);
  assert.equal(c.sameSite, 'Strict');
  return `one_console=${c.value}`;
}

describe('web console, in a real browser', { timeout: 180_000 }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const port = await freePort();
    one = await Oned.start({ conf: `CONSOLE_PORT = ${port}\nCONSOLE_LISTEN_ADDRESS = 127.0.0.1` });
    consoleUrl = `http://127.0.0.1:${port}/`;
    await one.ok('one.host.allocate', 'node1', 'im_dummy', 'vmm_dummy', 'tm_dummy');
    await one.ok('one.host.allocate', 'node2', 'im_dummy', 'vmm_dummy', 'tm_dummy');
    await one.ok('one.vn.allocate', 'NAME = "Private LAN"\nTYPE = RANGED\nBRIDGE = br0\nNETWORK_ADDRESS = 192.168.0.0\nNETWORK_SIZE = C');
    await one.ok('one.user.allocate', 'bob', sha1hex('bob-pw'));
    await waitFor('hosts monitored', async () => (String(await one.ok('one.hostpool.info')).match(/<STATE>2<\/STATE>/g) ?? []).length === 2, 30_000);
    chromium = await HeadlessChromium.launch();
    admin = await chromium.browser.newContext({ viewport: DESKTOP });
    console.log(`web console screenshots: ${ARTIFACTS}`);
  });

  after(async () => {
    await chromium?.close();
    await one?.stop();
    one?.remove();
  });

  it('refuses a wrong password with the API message, then logs in', async () => {
    const p = await admin.newPage();
    await p.goto(consoleUrl);
    await shot(p, 'login');
    assert.equal(await p.getByRole('link', { name: 'VMs' }).count(), 0, 'no navigation before login');
    await p.getByLabel('User').fill('oneadmin');
    await p.getByLabel('Password').fill('wrong');
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.getByText('User not authenticated').waitFor();
    await p.close();
    page = await logIn(admin, 'oneadmin', 'secret');
    await page.locator('#who').getByText('oneadmin').waitFor();
  });

  it('creates a VM from template text; its hostile name renders as text', async () => {
    await page.getByRole('link', { name: 'Create VM' }).click();
    await page.getByLabel('Template').fill(`NAME = "${NASTY.replace(/"/g, '\\"')}"\nCPU = 0.5\nMEMORY = 128\nNIC = [ NETWORK = "Private LAN" ]`);
    await shot(page, 'create');
    await page.getByRole('button', { name: 'Create VM' }).click();
    await page.waitForURL(/#\/vms\/0$/);
    await vmState(page).getByText('PENDING').waitFor();
    assert.equal(await page.locator('h2').textContent(), `VM 0: ${NASTY} PENDING`);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned), undefined);
    assert.equal(await page.locator('main script, main img').count(), 0);
  });

  it('shows a new VM appear and reach RUNNING in the list live, without a reload', async () => {
    await page.getByRole('link', { name: 'VMs' }).click();
    await page.getByRole('cell', { name: NASTY }).waitFor();
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const started = Date.now();
    const vid = Number(await one.ok('one.vm.allocate', 'NAME = second\nCPU = 0.1\nMEMORY = 64\nNIC = [ NETWORK = "Private LAN" ]'));
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'second' }) });
    await row.getByText('PENDING').waitFor({ timeout: 5_000 });
    const shownMs = Date.now() - started;
    console.log(`console_allocate_to_list_ms ${shownMs}`);
    assert.ok(shownMs < 2_000, `the new VM was listed ${shownMs} ms after its allocation`);
    await one.ok('one.vm.deploy', vid, 1);
    await row.getByText('RUNNING').waitFor({ timeout: 10_000 });
    await row.getByText('node2').waitFor();
    await row.getByText('192.168.0.').waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker: number }).marker), 42, 'the page was not reloaded');
    // The state filter asks the API for that state only.
    await page.getByLabel('State').selectOption({ label: 'PENDING' });
    await page.getByRole('link', { name: 'second' }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: NASTY }).waitFor();
    await page.getByLabel('State').selectOption({ label: 'All but DONE' });
    await page.getByRole('link', { name: 'second' }).waitFor();
    await shot(page, 'vm-list');
    await page.setViewportSize(PHONE);
    await shot(page, 'vm-list-phone');
    await page.setViewportSize(DESKTOP);
  });

  it('deploys from the VM page, shows the timeline oneaudit prints, shuts the VM down to DONE', async () => {
    await page.goto(`${consoleUrl}#/vms/0`);
    await vmState(page).getByText('PENDING').waitFor();
    await page.getByLabel('Deploy to host').selectOption({ label: 'node1 (0)' });
    await page.getByRole('button', { name: 'Deploy' }).click();
    await vmState(page).getByText('RUNNING').waitFor({ timeout: 10_000 });
    const timeline = page.getByRole('table', { name: /Audit timeline/ });
    await timeline.getByRole('cell', { name: 'VmDeployed' }).waitFor();
    await timeline.getByRole('cell', { name: 'oneadmin (one.vm.deploy)' }).waitFor();
    await shot(page, 'vm-timeline');
    await page.setViewportSize(PHONE);
    await shot(page, 'vm-timeline-phone');
    await page.setViewportSize(DESKTOP);

    // The same lines as `oneaudit log vm 0`, row for row.
    const printed = spawnSync(join(REPO, 'bin', 'oneaudit'), ['log', 'vm', '0'], { env: cliEnv(one), encoding: 'utf8', timeout: 60_000 });
    assert.equal(printed.status, 0, printed.stderr);
    const served = await page.evaluate(async () => (await (await fetch('/api/vm/0/timeline')).json()) as { value: { line: string }[] });
    assert.deepEqual(served.value.map((r) => r.line), printed.stdout.trimEnd().split('\n'));
    assert.equal(await timeline.locator('tbody tr').count(), served.value.length);

    await page.getByRole('button', { name: 'Shut down' }).click();
    await vmState(page).getByText('DONE').waitFor({ timeout: 15_000 });
    await timeline.getByRole('cell', { name: 'oneadmin (one.vm.action shutdown)' }).waitFor();
    await timeline.getByRole('cell', { name: 'VmDone' }).waitFor();
    await shot(page, 'vm-timeline-done');
  });

  it('shows the scheduler\'s message of a pending VM; deploys, suspends, resumes, migrates and deletes it from its page', async () => {
    const waiting = Number(await one.ok('one.vm.allocate', 'NAME = waiting\nCPU = 0.1\nMEMORY = 64'));
    await page.goto(`${consoleUrl}#/vms/${waiting}`);
    await vmState(page).getByText('PENDING').waitFor();
    await one.ok('one.vm.schedmessage', waiting, 'No host with enough free CPU <for "waiting">');
    await page.locator('#sched-message').getByText('No host with enough free CPU <for "waiting">').waitFor({ timeout: 5_000 });

    await page.getByLabel('Deploy to host').selectOption({ label: 'node2 (1)' });
    await page.getByRole('button', { name: 'Deploy' }).click();
    await vmState(page).getByText('RUNNING').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('#sched-message').count(), 0, 'no scheduler message once deployed');
    await page.getByRole('button', { name: 'Suspend' }).click();
    await vmState(page).getByText('SUSPENDED').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Resume' }).click();
    await vmState(page).getByText('RUNNING').waitFor({ timeout: 15_000 });
    await page.getByLabel('Migrate to host').selectOption({ label: 'node1 (0)' });
    await page.getByRole('button', { name: 'Migrate' }).click();
    await page.locator('.facts').getByText('node1').waitFor({ timeout: 15_000 });
    await vmState(page).getByText('RUNNING').waitFor({ timeout: 15_000 });
    // Deploying a RUNNING VM is the API's "wrong state" refusal, shown with its code.
    await page.getByRole('button', { name: 'Deploy' }).click();
    await page.getByText(/^Deploy refused: .* \[0x0800\]$/).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    await vmState(page).getByText('DONE').waitFor({ timeout: 15_000 });
  });

  it('as another user, cannot act on the VM: the page shows the API error, a forged POST is refused too', async () => {
    const bobContext = await chromium.browser.newContext({ viewport: DESKTOP });
    const bob = await logIn(bobContext, 'bob', 'bob-pw');
    await bob.goto(`${consoleUrl}#/vms/1`);
    await vmState(bob).getByText('RUNNING').waitFor();
    await bob.getByRole('button', { name: 'Shut down' }).click();
    await bob.getByText('Shut down refused: User not authorized to perform operation upon VirtualMachine [1] [0x0200]').waitFor();
    await bob.getByText(/Timeline: User not authorized/).waitFor();
    await shot(bob, 'vm-refused');
    // Straight to the server with bob's own cookie and CSRF token: the dispatcher refuses, as it would over XML-RPC.
    const cookie = await cookieOf(bobContext);
    const { body: session } = await raw('/api/session', { cookie });
    const forged = await raw('/api/call', {
      method: 'POST', cookie,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf! },
      body: JSON.stringify({ method: 'one.vm.action', params: ['finalize', 1] }),
    });
    assert.deepEqual(forged.body, { ok: false, message: 'User not authorized to perform operation upon VirtualMachine [1]', code: 0x200 });
    assert.match(String(await one.ok('one.vm.info', 1)), /<LCM_STATE>3<\/LCM_STATE>/, 'VM 1 still RUNNING');
    await bobContext.close();
  });

  it('ends the console session when the user\'s password changes: the page goes back to the login form', async () => {
    const uid = Number(await one.ok('one.user.allocate', 'carol', sha1hex('carol-pw')));
    const context = await chromium.browser.newContext();
    const carol = await logIn(context, 'carol', 'carol-pw');
    await carol.getByRole('link', { name: 'second' }).waitFor(); // the VM list works with the session
    await one.ok('one.user.passwd', uid, sha1hex('new-pw'));
    await carol.getByRole('link', { name: 'Hosts' }).click();
    await carol.getByRole('button', { name: 'Log in' }).waitFor();
    const { status } = await raw('/api/session', { cookie: await cookieOf(context) });
    assert.equal(status, 401);
    await context.close();
  });

  it('shows hosts with capacity and networks with leases; oneadmin disables and enables a host', async () => {
    await page.getByRole('link', { name: 'Hosts' }).click();
    const node2 = page.getByRole('row').filter({ hasText: 'node2' });
    await node2.getByText('MONITORED').waitFor();
    await node2.getByText(/alloc 10 · used \d+ \/ \d+/).waitFor();
    await shot(page, 'hosts');
    await node2.getByRole('button', { name: 'Disable' }).click();
    await node2.getByText('DISABLED').waitFor({ timeout: 10_000 });
    await node2.getByRole('button', { name: 'Enable' }).click();
    await node2.getByRole('button', { name: 'Disable' }).waitFor({ timeout: 10_000 });
    await page.getByRole('link', { name: 'Networks' }).click();
    await page.getByRole('link', { name: 'VM 1' }).waitFor();
    await shot(page, 'networks');
    await page.setViewportSize(PHONE);
    await page.getByRole('link', { name: 'Hosts' }).click();
    await node2.getByText('MONITORED').waitFor();
    await shot(page, 'hosts-phone');
    await page.setViewportSize(DESKTOP);
  });
});
