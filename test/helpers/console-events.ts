import assert from 'node:assert/strict';
import http from 'node:http';

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
            req.destroy();
            resolve(seen);
          }
        }
      });
    });
    req.on('error', (e) => (seen.length && seen.at(-1)!.startsWith(`${until} `) ? undefined : reject(e)));
    setTimeout(() => (req.destroy(), reject(new Error(`stream stopped at ${seen.at(-1)}`))), 15_000);
  });
}
