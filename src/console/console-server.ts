import http from 'node:http';
import type { Logger } from '../actors/ports.ts';
import { HISTORY_REASONS, HOST_STATES, LCM_STATES, VM_STATES } from '../cli/lib/state-names.ts';
import { ErrorCode } from '../events/domain-error.ts';
import type { CorePort } from '../rpc/core-port.ts';
import type { DispatchResult } from '../rpc/dispatcher.ts';
import { sessionOf } from '../rpc/one-auth.ts';
import { EscapedText, XmlRpcDouble, type MethodCall, type XmlRpcValue } from '../rpc/xmlrpc/value.ts';
import { startSeq, streamEvents } from './event-stream.ts';
import { SessionStore, type ConsoleSession } from './session-store.ts';
import { StaticFiles } from './static-files.ts';
import { VmTimelines } from './vm-timeline.ts';
import { closeHttpNow, listenHttp } from '../main/http-listen.ts';

export interface ConsoleOptions {
  /** Reads of the event feed (SSE, timelines) and the login's user lookup. */
  readonly core: Pick<CorePort, 'pollEvents' | 'lastEventSeq' | 'userByName'>;
  /** One call through the XML-RPC dispatcher (RpcServer.call): every action and read goes through it. */
  readonly call: (call: MethodCall, client: string) => Promise<DispatchResult>;
  readonly address: string;
  readonly port: number;
  /** Largest request body (templates are sent in JSON). */
  readonly maxBodyBytes: number;
  readonly logger?: Logger;
}

/** The API methods the page uses; anything else is refused before the dispatcher. */
const METHODS = new Set([
  'one.vmpool.info', 'one.vm.info', 'one.vm.allocate', 'one.vm.deploy', 'one.vm.action', 'one.vm.migrate',
  'one.hostpool.info', 'one.host.info', 'one.host.enable', 'one.vnpool.info', 'one.vn.info',
]);
const COOKIE = 'one_console';
const MAX_STREAMS_PER_SESSION = 8;
const MAX_STREAMS = 256;
const SECURITY_HEADERS: http.OutgoingHttpHeaders = {
  // Everything comes from this server; nothing may frame the page or run inline script.
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
const NAMES = JSON.stringify({ vm: VM_STATES, lcm: LCM_STATES, host: HOST_STATES, reason: HISTORY_REASONS });

type Json = Record<string, unknown>;
class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly code: number = ErrorCode.XML_RPC_API) {
    super(message);
  }
}

/**
 * The web console, on its own port (CONSOLE_PORT). The browser is one more
 * API client: it holds a cookie, the server holds the user's API session
 * and sends each request through the XML-RPC dispatcher with it.
 */
export class ConsoleServer {
  private constructor(private readonly server: http.Server, readonly port: number) {}

  static async start(options: ConsoleOptions): Promise<ConsoleServer> {
    const sessions = new SessionStore();
    const files = new StaticFiles();
    const timelines = new VmTimelines(options.core);
    const streams = new Map<string, number>(); // open event streams per session token
    const streamCount = () => [...streams.values()].reduce((a, b) => a + b, 0);
    const server = http.createServer((req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (error instanceof HttpError) return json(res, error.status, { ok: false, message: error.message, code: error.code });
        options.logger?.log('ReM', 'E', `Console request failed: ${error instanceof Error ? error.stack : String(error)}`);
        if (!res.headersSent) json(res, 500, { ok: false, message: 'Internal error', code: ErrorCode.INTERNAL });
        else res.destroy();
      });
    });
    server.requestTimeout = 60_000;

    async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
      const url = new URL(req.url ?? '/', 'http://console');
      const path = url.pathname;
      const client = req.socket.remoteAddress ?? '';
      if (!path.startsWith('/api/')) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Method not allowed');
        if (!files.serve(path, res, SECURITY_HEADERS)) throw new HttpError(404, 'Not found');
        return;
      }
      if (req.method === 'POST') checkOrigin(req);
      const route = `${req.method} ${path}`;
      if (route === 'GET /api/names') return raw(res, 200, NAMES);
      if (route === 'POST /api/login') return login(req, res, client);
      const session = sessions.get(cookieOf(req));
      if (!session) throw new HttpError(401, 'Not logged in', ErrorCode.AUTHENTICATION);
      if (req.method === 'POST' && !SessionStore.csrfMatches(session, req.headers['x-csrf-token'])) {
        throw new HttpError(403, 'Missing or wrong CSRF token', ErrorCode.AUTHORIZATION);
      }
      if (route === 'GET /api/session') return json(res, 200, describe(session, options.core.lastEventSeq()));
      if (route === 'POST /api/logout') {
        sessions.delete(session.token);
        return json(res, 200, { ok: true }, { 'Set-Cookie': `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0` });
      }
      if (route === 'POST /api/call') return apiCall(req, res, session, client);
      if (route === 'GET /api/events') {
        const after = startSeq(req, url.searchParams, options.core.lastEventSeq());
        if (after === undefined) throw new HttpError(400, 'Last-Event-ID and after must be event sequence numbers');
        // Each stream holds a long-poll of the feed: bounded per session and in all.
        const open = streams.get(session.token) ?? 0;
        if (open >= MAX_STREAMS_PER_SESSION || streamCount() >= MAX_STREAMS) throw new HttpError(429, 'Too many open event streams', ErrorCode.XML_RPC_API);
        streams.set(session.token, open + 1);
        try {
          return await streamEvents(options.core, res, after, () => sessions.get(session.token) === session);
        } finally {
          const left = streams.get(session.token)! - 1;
          if (left > 0) streams.set(session.token, left);
          else streams.delete(session.token);
        }
      }
      const timeline = /^GET \/api\/vm\/(\d{1,9})\/timeline$/.exec(route);
      if (timeline) return vmTimelineOf(res, session, Number(timeline[1]), client);
      throw new HttpError(404, `No such console request: ${req.method} ${path}`);
    }

    async function login(req: http.IncomingMessage, res: http.ServerResponse, client: string): Promise<void> {
      const body = await readJson(req, 64 * 1024);
      const { user, password } = body;
      if (typeof user !== 'string' || typeof password !== 'string' || user === '' || user.includes(':')) {
        throw new HttpError(400, 'Give a user name (without ":") and a password');
      }
      // The same check as any XML-RPC call: the dispatcher's authenticator, its cache and its login backoff.
      const apiSession = sessionOf({ user, password });
      const checked = await options.call({ method: 'one.system.version', params: [apiSession] }, client);
      const uid = options.core.userByName(user)?.id;
      if (checked.kind !== 'response' || !checked.value[0] || uid === undefined) {
        const message = checked.kind === 'response' && !checked.value[0] ? checked.value[1] : 'User not authenticated';
        throw new HttpError(401, message, ErrorCode.AUTHENTICATION);
      }
      const session = sessions.create(apiSession, uid, user);
      json(res, 200, describe(session, options.core.lastEventSeq()), { 'Set-Cookie': `${COOKIE}=${session.token}; HttpOnly; SameSite=Strict; Path=/` });
    }

    async function apiCall(req: http.IncomingMessage, res: http.ServerResponse, session: ConsoleSession, client: string): Promise<void> {
      const { method, params } = await readJson(req, options.maxBodyBytes);
      if (typeof method !== 'string' || !METHODS.has(method)) throw new HttpError(400, `The console does not call ${JSON.stringify(method)}`);
      if (!Array.isArray(params) || !params.every((p) => ['string', 'number', 'boolean'].includes(typeof p))) {
        throw new HttpError(400, 'params must be a list of strings, numbers and booleans');
      }
      const answer = answerOf(await options.call({ method, params: [session.apiSession, ...(params as XmlRpcValue[])] }, client));
      // The password changed or the user was disabled or deleted since the login: this console session is over too.
      if (answer.code === ErrorCode.AUTHENTICATION) sessions.delete(session.token);
      json(res, answer.code === ErrorCode.AUTHENTICATION ? 401 : 200, answer);
    }

    async function vmTimelineOf(res: http.ServerResponse, session: ConsoleSession, vid: number, client: string): Promise<void> {
      // The API says whether the VM exists; the timeline names who did what, so it is shown to the owner and oneadmin only.
      const info = answerOf(await options.call({ method: 'one.vm.info', params: [session.apiSession, vid] }, client));
      if (!info.ok) return json(res, 200, info);
      const owner = /<UID>(\d+)<\/UID>/.exec(String(info.value))?.[1];
      if (session.uid !== 0 && Number(owner) !== session.uid) {
        return json(res, 200, { ok: false, message: `User not authorized to perform operation upon VirtualMachine [${vid}]`, code: ErrorCode.AUTHORIZATION });
      }
      json(res, 200, { ok: true, value: await timelines.of(vid), code: 0 });
    }

    return new ConsoleServer(server, (await listenHttp(server, options.port, options.address)).port);
  }

  close(): Promise<void> {
    return closeHttpNow(this.server);
  }
}

/** What the page learns at login: who, the CSRF token, and the feed position to follow from (read before the page reads anything). */
const describe = (s: ConsoleSession, tip: number): Json => ({ ok: true, user: s.user, uid: s.uid, csrf: s.csrf, tip });

/** `[ok, value, code]` or a transport fault, as the page reads it. */
function answerOf(result: DispatchResult): Json {
  if (result.kind === 'fault') return { ok: false, message: result.fault.faultString, code: result.fault.faultCode };
  const [ok, value, code] = result.value;
  return ok ? { ok: true, value: plainValue(value), code } : { ok: false, message: value, code };
}

/**
 * JSON for the page. Pool documents arrive as EscapedText, pieces already
 * escaped for the XML-RPC body (src/rpc/xmlrpc/escape.ts): undone here,
 * `&amp;` last, so that the page parses the same document a client decodes.
 */
function plainValue(value: XmlRpcValue): unknown {
  if (value instanceof EscapedText) {
    return value.toString().replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&#xd;', '\r').replaceAll('&amp;', '&');
  }
  return value instanceof XmlRpcDouble ? value.value : value;
}

/** A POST from a page of another site is refused even before the cookie is looked at (SameSite=Strict is the first line). */
function checkOrigin(req: http.IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) throw new HttpError(403, 'Cross-site request refused', ErrorCode.AUTHORIZATION);
}

function cookieOf(req: http.IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === COOKIE && value) return value;
  }
  return undefined;
}

async function readJson(req: http.IncomingMessage, maxBytes: number): Promise<Json> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'Send application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `Request body larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'The request body is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HttpError(400, 'The request body must be a JSON object');
  return parsed as Json;
}

function json(res: http.ServerResponse, status: number, body: Json, extra: http.OutgoingHttpHeaders = {}): void {
  raw(res, status, JSON.stringify(body), extra);
}

function raw(res: http.ServerResponse, status: number, text: string, extra: http.OutgoingHttpHeaders = {}): void {
  const headers = { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...extra };
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(text) }).end(text);
}
