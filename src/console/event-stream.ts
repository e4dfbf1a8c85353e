import type http from 'node:http';
import type { CorePort } from '../rpc/core-port.ts';

/** How long one long-poll of the feed waits before a keep-alive comment goes out. */
const WAIT_MS = 15_000;
const BATCH = 1_000;

/**
 * Server-Sent Events from the committed event feed (what one.event.poll
 * serves): one `change` message per event, `id:` = its seq, so that the
 * browser's automatic reconnect sends Last-Event-ID and resumes right after
 * the last event it got. Only seq, stream and event type go out: the page
 * re-reads the object through the API, whose authorization decides what
 * this user may see of it.
 *
 * `stillValid` is asked before every batch: a logged-out session's stream ends.
 */
export async function streamEvents(
  core: Pick<CorePort, 'pollEvents'>,
  res: http.ServerResponse,
  after: number,
  stillValid: () => boolean,
): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
  let open = true;
  res.on('close', () => (open = false));
  // Reconnect after 1 s rather than the browser's default 3 s.
  res.write('retry: 1000\n\n');
  while (open && stillValid()) {
    let events;
    try {
      events = await core.pollEvents(after, BATCH, WAIT_MS);
    } catch {
      break; // oned is stopping (the log is closed): the browser reconnects to whatever comes next
    }
    if (!open) return;
    if (events.length === 0) {
      res.write(': keep-alive\n\n');
      continue;
    }
    const lines = events.map((e) => `id: ${e.seq}\nevent: change\ndata: ${JSON.stringify({ seq: e.seq, stream: e.stream, type: e.event.type })}\n\n`);
    res.write(lines.join(''));
    after = events[events.length - 1]!.seq;
  }
  res.end();
}

/** Where a stream starts: Last-Event-ID on a reconnect, else `?after=`, else the present. */
export function startSeq(req: http.IncomingMessage, query: URLSearchParams, tip: number): number | undefined {
  const header = req.headers['last-event-id'];
  const raw = typeof header === 'string' && header !== '' ? header : query.get('after');
  if (raw === null || raw === undefined) return tip;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}
