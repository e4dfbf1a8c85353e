import { sessionFromAuth } from './auth.ts';
import { OneClient, type XmlRpcTransport } from './one-client.ts';
import type { TableOptions } from './table.ts';
import { RpcTransport } from './rpc-transport.ts';

export const DEFAULT_ENDPOINT = 'http://localhost:2633/RPC2';

/** Where a CLI run reads and writes: the real process, or a test's fakes. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: { write(text: string): unknown; readonly columns?: number; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  /** Reads one line of user input (oneuser delete asks for YES). */
  readonly readLine?: () => Promise<string>;
  /** Epoch seconds; the clock is read here, at the edge, not in formatters. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Replaces the HTTP client (tests). */
  readonly transport?: XmlRpcTransport;
  /** Stops `top` after this many screens (tests); runs until killed otherwise. */
  readonly topIterations?: number;
}

/** The options every tool accepts (spec §10.1). */
export interface CommonOptions {
  readonly list?: string[];
  readonly order?: string[];
  readonly filter?: string[];
  readonly delay: number;
  readonly verbose?: boolean;
  readonly xml?: boolean;
  readonly json?: boolean;
}

/** What a command's action gets: the client, the options and the output. */
export class CliContext {
  private oneClient: OneClient | undefined;
  /** Set by a command that reports some failures but still ran to the end. */
  failed = false;

  constructor(
    readonly io: CliIo,
    private readonly readOptions: () => CommonOptions,
  ) {}

  get options(): CommonOptions {
    return this.readOptions();
  }

  /** Built on first use, so --help and --version never need credentials. */
  get client(): OneClient {
    if (!this.oneClient) {
      const transport = this.io.transport ?? new RpcTransport(this.io.env.ONE_XMLRPC || DEFAULT_ENDPOINT);
      this.oneClient = new OneClient(transport, () => sessionFromAuth({ env: this.io.env }));
    }
    return this.oneClient;
  }

  now(): number {
    return this.io.now ? this.io.now() : Math.floor(Date.now() / 1000);
  }

  print(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  printError(message: string): void {
    this.io.stderr.write(`Error: ${message}\n`);
    this.failed = true;
  }

  /** Prints a confirmation only with -v, as the 1.4 tools did. */
  verbose(text: string): void {
    if (this.options.verbose) this.print(text);
  }

  get decorate(): boolean {
    return !!this.io.stdout.isTTY;
  }

  tableOptions(): TableOptions {
    const { list, order, filter } = this.options;
    const tty = this.io.stdout.isTTY && this.io.stdout.columns ? this.io.stdout.columns : undefined;
    return { list, order, filter, maxWidth: tty, decorate: this.decorate };
  }
}
