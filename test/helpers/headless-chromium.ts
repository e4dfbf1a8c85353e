import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserServer } from 'playwright-core';

/**
 * Debian's chromium, headless, driven by playwright-core (no browser
 * download). The background-networking flags matter on a closed network:
 * without them chromium's own connections fail and it refuses ours.
 */
export class HeadlessChromium {
  private constructor(
    private readonly server: BrowserServer,
    readonly browser: Browser,
    private readonly profile: string,
  ) {}

  static async launch(): Promise<HeadlessChromium> {
    const profile = mkdtempSync(join(tmpdir(), 'one-ts-chromium-'));
    const server = await chromium.launchServer({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', `--disk-cache-dir=${join(profile, 'cache')}`],
    });
    try {
      return new HeadlessChromium(server, await chromium.connect(server.wsEndpoint()), profile);
    } catch (e) {
      await server.close();
      throw e;
    }
  }

  /** Closes the browser, and kills its process by pid should it outlive that. */
  async close(): Promise<void> {
    const pid = this.server.process().pid;
    await this.browser.close().catch(() => {});
    await this.server.close().catch(() => {});
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}
