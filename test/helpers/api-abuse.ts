/**
 * Hostile loads against a real oned, shared by the e2e tests and bench/api:
 * a bad-password flood from one client address, logins timed from other
 * addresses, and many maximum-size request bodies at once. Source addresses
 * are loopback aliases (127.0.0.x all reach oned's 127.0.0.1 on Linux), so
 * oned sees distinct clients.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { sha1hex } from '../../src/rpc/one-auth.ts';
import { parseMethodResponse } from '../../src/rpc/xmlrpc/decode.ts';
import { serializeMethodCall } from '../../src/rpc/xmlrpc/encode.ts';
import type { Oned } from './oned-harness.ts';

export type Answer = [boolean, unknown, number] | { fault: number };

/** The answer's error code: 0 for success, 0x100… for a failure, the fault code for a fault. */
export const codeOf = (answer: Answer): number => (Array.isArray(answer) ? answer[2] : answer.fault);

/** One POST /RPC2 from `from` (a local address); resolves with the decoded answer and the time it took. */
export function postFrom(port: number, from: string, body: Buffer | string, agent?: http.Agent): Promise<{ answer: Answer; ms: number }> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/RPC2', method: 'POST', localAddress: from, agent: agent ?? false, headers: { 'Content-Type': 'text/xml', 'Content-Length': bytes.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const response = parseMethodResponse(Buffer.concat(chunks).toString('utf8'));
          const answer: Answer = response.kind === 'fault' ? { fault: response.fault.faultCode } : (response.params[0] as [boolean, unknown, number]);
          resolve({ answer, ms: performance.now() - started });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end(bytes);
  });
}

/** `one.system.version` with `user:password` from `from`: an authenticated call that costs nothing else. */
export const login = (port: number, from: string, user: string, password: string) =>
  postFrom(port, from, serializeMethodCall('one.system.version', [`${user}:${sha1hex(password)}`]));

export interface Flood {
  /** Stops sending, waits for the answers in flight; resolves with the number of requests sent. */
  stop(): Promise<number>;
}

/** `connections` keep-alive connections from `from`, each sending wrong passwords for `user` back to back. */
export function badPasswordFlood(port: number, from: string, user: string, connections = 64): Flood {
  let running = true;
  let sent = 0;
  const loops = Array.from({ length: connections }, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (running) {
        // A different password each time: identical sessions would share one check.
        await postFrom(port, from, serializeMethodCall('one.system.version', [`${user}:${sha1hex(randomBytes(8).toString('hex'))}`]), agent);
        sent++;
      }
    } finally {
      agent.destroy();
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return sent;
    },
  };
}

/**
 * Creates users `loginN`, then times `logins` first logins (each a new user
 * from a new address, 127.0.0.10 on) while 64 connections from 127.0.0.2
 * send wrong passwords for `victim`. The logins are spread over the flood,
 * the first one during its opening burst. Resolves with their times in ms.
 */
export async function loginsUnderFlood(one: Oned, logins = 5, spacingMs = 400): Promise<number[]> {
  await ensureUser(one, 'victim', 'victim-password');
  for (let i = 0; i < logins; i++) await ensureUser(one, `login${i}`, `pw${i}`);
  const flood = badPasswordFlood(one.port, '127.0.0.2', 'victim');
  const times: number[] = [];
  try {
    for (let i = 0; i < logins; i++) {
      await new Promise((r) => setTimeout(r, i === 0 ? 50 : spacingMs));
      const { answer, ms } = await login(one.port, `127.0.0.${10 + i}`, `login${i}`, `pw${i}`);
      if (!Array.isArray(answer) || answer[0] !== true) throw new Error(`login${i} refused: ${JSON.stringify(answer)}`);
      times.push(ms);
    }
  } finally {
    await flood.stop();
  }
  return times;
}

async function ensureUser(one: Oned, name: string, password: string): Promise<void> {
  const [ok, value] = await one.call('one.user.allocate', name, sha1hex(password));
  if (!ok && !/Existing user/.test(String(value))) throw new Error(`one.user.allocate ${name}: ${String(value)}`);
}

/** oned's memory: current RSS and the peak so far (VmHWM), in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** A `one.vm.allocate` request of exactly `bytes` bytes: a template of many CONTEXT lines (plain ASCII). */
export function allocateOfSize(session: string, bytes: number): Buffer {
  const head = 'NAME = big\n';
  const extra = bytes - serializeMethodCall('one.vm.allocate', [session, head]).length;
  const line = `CONTEXT = [ FILES = "${'x'.repeat(1000)}" ]\n`;
  const lines = Math.floor((extra - 1) / line.length);
  const template = head + line.repeat(lines) + '#'.repeat(extra - lines * line.length - 1) + '\n';
  const body = Buffer.from(serializeMethodCall('one.vm.allocate', [session, template]));
  if (body.length !== bytes) throw new Error(`built ${body.length} bytes, wanted ${bytes}`);
  return body;
}

/**
 * Sends `count` copies of `body` at once, each on its own connection from
 * its own address (127.0.0.100 on: no per-client share limits them), while
 * sampling oned's RSS; resolves with the answers and
 * oned's peak RSS (the larger of the sampled peak and VmHWM) in MB.
 */
export async function concurrentBodies(one: Oned, body: Buffer, count = 16): Promise<{ answers: Answer[]; peakMb: number }> {
  const pid = one.process.pid!;
  let sampled = 0;
  const timer = setInterval(() => (sampled = Math.max(sampled, memoryMb(pid).rss)), 10);
  try {
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => postFrom(one.port, `127.0.0.${100 + i}`, body).then((r) => r.answer)));
    return { answers, peakMb: Math.round(Math.max(sampled, memoryMb(pid).peak) * 10) / 10 };
  } finally {
    clearInterval(timer);
  }
}
