import type { StoredEvent } from '../events/envelope.ts';
import { dbEvents } from './db-events.ts';
import { XmlRpcClient } from '../rpc/client.ts';
import { readCredentials, sessionOf } from '../rpc/one-auth.ts';

/** Events per one.event.poll call: the server's maximum. */
const PAGE = 10_000;

/**
 * What every oneaudit subcommand gets: the API client and session, where to
 * print, and the exit code to end with. Subcommands live in commands/, one
 * file each, and talk to oned through this only (the API, never one.db).
 */
export class AuditContext {
  /** Set by a subcommand that found a problem (a break, a difference). */
  exitCode = 0;
  private rpc: XmlRpcClient | undefined;
  private sessionText: string | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Built on first use, so that --help never needs credentials. */
  get client(): XmlRpcClient {
    this.rpc ??= new XmlRpcClient(this.env.ONE_XMLRPC || 'http://localhost:2633/RPC2');
    return this.rpc;
  }

  get session(): string {
    if (this.sessionText === undefined) {
      const creds = readCredentials(this.env);
      if (!creds.ok) throw new Error(creds.message);
      this.sessionText = sessionOf(creds.value);
    }
    return this.sessionText;
  }

  /** One OpenNebula call; throws oned's message when it answers false. */
  async call(method: string, ...params: (string | number | boolean)[]): Promise<unknown> {
    const [ok, value] = (await this.client.call(method, [this.session, ...params])) as [boolean, unknown];
    if (!ok) throw new Error(String(value));
    return value;
  }

  /** Set by `--db <file>`: read that one.db instead of asking oned (see db-events.ts). */
  dbFile: string | undefined;

  /** The log after seq `from` (the whole log by default) in seq order, page by page, through one.event.poll. */
  async *events(from = 0): AsyncGenerator<StoredEvent[]> {
    if (this.dbFile !== undefined) {
      yield* dbEvents(this.dbFile, from, PAGE);
      return;
    }
    for (let after = from; ; ) {
      const page = JSON.parse((await this.call('one.event.poll', after, PAGE, 0)) as string) as StoredEvent[];
      if (page.length === 0) return;
      yield page;
      after = page[page.length - 1]!.seq;
    }
  }

  print(text: string): void {
    process.stdout.write(`${text}\n`);
  }

  close(): void {
    this.rpc?.close();
  }
}
