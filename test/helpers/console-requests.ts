import assert from 'node:assert/strict';
import http from 'node:http';

/**
 * Requests to the web console (at `consoleUrl`, ending in /) without a
 * browser: what a forger or a script would send.
 */
export interface ConsoleAnswer {
  readonly status: number;
  readonly body: { ok: boolean; message?: string; code?: number; csrf?: string; uid?: number };
  readonly setCookie: string | null;
}

export async function consoleRequest(
  consoleUrl: string,
  path: string,
  options: { method?: string; cookie?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<ConsoleAnswer> {
  const res = await fetch(`${consoleUrl}${path.slice(1)}`, {
    method: options.method ?? 'GET',
    headers: { ...(options.cookie ? { Cookie: options.cookie } : {}), ...options.headers },
    body: options.body,
  });
  return { status: res.status, body: (await res.json()) as ConsoleAnswer['body'], setCookie: res.headers.get('set-cookie') };
}

/** Logs in as a page does; the cookie to send back and the CSRF token. */
export async function consoleLogin(consoleUrl: string, user: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const r = await consoleRequest(consoleUrl, '/api/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  assert.equal(r.status, 200, r.body.message);
  return { cookie: r.setCookie!.split(';')[0]!, csrf: r.body.csrf! };
}

/** Reads the web console's event stream (at `consoleUrl`, ending in /) from `from` (as a reconnect with Last-Event-ID does) up to seq `until`. */
export function sseUntil(consoleUrl: string, cookie: string, from: number, until: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const req = http.get(`${consoleUrl}api/events`, { headers: { Cookie: cookie, 'Last-Event-ID': String(from) } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(message)?.[1];
          const id = /^id: (\d+)$/m.exec(message)?.[1];
          if (!data) continue;
          const ev = JSON.parse(data) as { seq: number; stream: string };
          assert.equal(Number(id), ev.seq, 'id: is the seq');
          seen.push(`${ev.seq} ${ev.stream}`);
          if (ev.seq >= until) {
            clearTimeout(timer);
            req.destroy();
            resolve(seen);
          }
        }
      });
    });
    // Destroying the request once done is not an error; anything else is.
    req.on('error', (e) => (seen.at(-1)?.startsWith(`${until} `) ? undefined : reject(e)));
    const timer = setTimeout(() => (req.destroy(), reject(new Error(`stream stopped at ${seen.at(-1)}`))), 15_000);
  });
}
