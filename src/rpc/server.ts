import http from 'node:http';
import type { Logger } from '../actors/ports.ts';
import { Authenticator, DEFAULT_SCRYPT, hashPassword, type ScryptParams } from './auth.ts';
import { BodyReader, DEFAULT_LARGE_BODY, type BodyLimits } from './body-reader.ts';
import type { CorePort } from './core-port.ts';
import { dispatch, FaultCode, type DispatchResult } from './dispatcher.ts';
import { methodTable } from './methods/method-table.ts';
import type { RpcMethod } from './methods/method.ts';
import type { ThrottlePolicy } from './login-throttle.ts';
import { parseMethodCall, XmlRpcDecodeError } from './xmlrpc/decode.ts';
import { serializeFault, serializeMethodResponsePieces } from './xmlrpc/encode.ts';
import type { MethodCall } from './xmlrpc/value.ts';
import { listenHttp } from '../main/http-listen.ts';

export interface RpcServerOptions {
  readonly core: CorePort;
  /** Default 0.0.0.0 (1.4 bound every interface). */
  readonly listenAddress?: string;
  /** Default 2633; 0 picks a free port (see `port`). */
  readonly port?: number;
  /** Largest accepted request body; larger ones get a fault. Default 8 MiB. */
  readonly maxBodyBytes?: number;
  /** Infrastructure errors go here (module "ReM"). */
  readonly logger?: Logger;
  /** One line per call, e.g. appended to one_xmlrpc.log. */
  readonly accessLog?: (line: string) => void;
  /** scrypt cost for new password hashes (tests use cheap ones). */
  readonly scrypt?: ScryptParams;
  /** Bounded session cache size of the authenticator. */
  readonly sessionCacheSize?: number;
  /** Backoff after failed logins (DEFAULT_THROTTLE unless set). */
  readonly loginThrottle?: Partial<ThrottlePolicy>;
  /** Largest string parameter, VM templates included, in bytes (VM_TEMPLATE_MAX_SIZE; default 1 MiB). */
  readonly maxStringBytes?: number;
  /** How many large bodies are held at once (DEFAULT_LARGE_BODY unless set). */
  readonly largeBodies?: Partial<Omit<BodyLimits, 'maxBytes'>>;
  /** Override the method table (tests). */
  readonly methods?: ReadonlyMap<string, RpcMethod>;
  /** Told of every answered call (for /metrics). */
  readonly onCall?: (call: ApiCallDone) => void;
}

/**
 * An answered call. `method` is a method of the table or `(unknown)`, so
 * that callers cannot make up label values; `code` is `0` on success, the
 * OpenNebula error code in hex (`0x1000`) or the XML-RPC fault code (`-506`).
 */
export interface ApiCallDone {
  readonly method: string;
  readonly code: string;
  readonly seconds: number;
}

const DEFAULT_MAX_BODY = 8 * 1024 * 1024;

/** The XML-RPC endpoint `POST /RPC2` over node:http with keep-alive. */
export class RpcServer {
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(
    private readonly server: http.Server,
    readonly address: string,
    readonly port: number,
    /**
     * One call through the same method table, authenticator (and its login
     * throttle) and checks as a POST to /RPC2: the web console acts through
     * this, so its authorization cannot differ from the API's.
     */
    readonly call: (call: MethodCall, client: string) => Promise<DispatchResult>,
  ) {}

  static async start(options: RpcServerOptions): Promise<RpcServer> {
    const scrypt = options.scrypt ?? DEFAULT_SCRYPT;
    const deps = {
      table: options.methods ?? methodTable,
      context: { core: options.core, hashPassword: (token: string) => hashPassword(token, scrypt) },
      auth: new Authenticator(options.core, { cacheSize: options.sessionCacheSize, scrypt, throttle: options.loginThrottle }),
      maxStringBytes: options.maxStringBytes,
      onError: (method: string, error: unknown) =>
        options.logger?.log('ReM', 'E', `${method} failed: ${error instanceof Error ? error.stack : String(error)}`),
    };
    const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    const bodies = new BodyReader({ ...DEFAULT_LARGE_BODY, ...options.largeBodies, maxBytes: maxBody });
    let self: RpcServer | undefined;

    const server = http.createServer({ keepAlive: true }, (req, res) => {
      const work = handle(req, res).catch((error) => {
        options.logger?.log('ReM', 'E', `XML-RPC request failed: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
      self?.inFlight.add(work);
      void work.finally(() => self?.inFlight.delete(work));
    });
    server.keepAliveTimeout = 30_000;
    // Long-polls (one.event.poll) may hold a request for up to 60 s.
    server.requestTimeout = 120_000;

    async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
      const started = Date.now();
      const startedPrecise = performance.now();
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/RPC2' && path !== '/') return plain(res, 404, 'Not Found');
      if (req.method !== 'POST') return plain(res, 405, 'Method Not Allowed', { Allow: 'POST' });

      const { body, release } = await bodies.read(req);
      let result: DispatchResult;
      let method = '-';
      try {
        if (body.kind === 'too-large') {
          result = fault(FaultCode.LIMIT_EXCEEDED, `Request body larger than ${maxBody} bytes`);
        } else if (body.kind === 'busy') {
          result = fault(FaultCode.LIMIT_EXCEEDED, 'Too many large requests at once, try again later');
        } else {
          const parsed = parseBody(body.bytes);
          if (parsed.ok) {
            method = parsed.call.method;
            result = await dispatch(parsed.call, deps, req.socket.remoteAddress ?? '');
          } else {
            result = fault(FaultCode.PARSE, `Malformed XML-RPC request: ${parsed.reason}`);
          }
        }
      } finally {
        release();
      }
      const pieces = result.kind === 'fault' ? [Buffer.from(serializeFault(result.fault), 'utf8')] : serializeMethodResponsePieces(result.value);
      let length = 0;
      for (const piece of pieces) length += piece.byteLength;
      const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': length };
      // The rest of an unread body would be taken for the next request.
      if (body.kind !== 'read') headers.Connection = 'close';
      // One vectored write of the pieces as they are: a pool document is never copied into one
      // buffer (a fresh 100 MB buffer costs more in page faults here than sending it).
      res.writeHead(200, headers);
      res.cork();
      for (const piece of pieces) res.write(piece);
      res.uncork();
      res.end();
      const outcome = result.kind === 'fault' ? `fault ${result.fault.faultCode}` : result.value[0] ? 'ok' : `error ${result.value[2]}`;
      options.onCall?.({
        method: deps.table.has(method) ? method : '(unknown)',
        code: result.kind === 'fault' ? String(result.fault.faultCode) : result.value[0] ? '0' : `0x${result.value[2].toString(16)}`,
        seconds: (performance.now() - startedPrecise) / 1000,
      });
      options.accessLog?.(
        `${new Date(started).toISOString()} ${req.socket.remoteAddress ?? '-'} "POST ${path}" ${method} ${outcome} ${length} ${Date.now() - started}ms`,
      );
    }

    const listenAddress = options.listenAddress ?? '0.0.0.0';
    const bound = await listenHttp(server, options.port ?? 2633, listenAddress);
    self = new RpcServer(server, bound.address, bound.port, (call, client) => dispatch(call, deps, client));
    return self;
  }

  /** Stops accepting, lets calls in progress finish for up to `graceMs`, then drops every connection. */
  async close(graceMs = 2_000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    clearTimeout(timer);
    this.server.closeAllConnections();
    await closed;
  }
}

const fault = (faultCode: number, faultString: string): DispatchResult => ({ kind: 'fault', fault: { faultCode, faultString } });

function parseBody(body: Buffer): { ok: true; call: MethodCall } | { ok: false; reason: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, reason: 'body is not valid UTF-8' };
  }
  try {
    return { ok: true, call: parseMethodCall(text) };
  } catch (error) {
    if (error instanceof XmlRpcDecodeError) return { ok: false, reason: error.message };
    throw error;
  }
}

function plain(res: http.ServerResponse, status: number, text: string, extra: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text), ...extra }).end(text);
}

/** Shorthand for the composition root: `host` is the listen address (oned.conf has no such key; default 0.0.0.0). */
export function startRpcServer(options: RpcServerOptions & { readonly host?: string }): Promise<RpcServer> {
  return RpcServer.start({ ...options, listenAddress: options.host ?? options.listenAddress });
}
