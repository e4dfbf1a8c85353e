import type http from 'node:http';
import { FairLimiter } from './fair-limiter.ts';

export type Body =
  | { readonly kind: 'read'; readonly bytes: Buffer }
  /** Over the size limit; drained (when small enough to be worth it), not kept. */
  | { readonly kind: 'too-large' }
  /** Too many large bodies already waiting; not read at all. */
  | { readonly kind: 'busy' };

export interface BodyLimits {
  /** Largest accepted body. */
  readonly maxBytes: number;
  /** Bodies above this size are "large" and need a lane. */
  readonly largeBytes: number;
  /** Large bodies held in memory at once (read, decoded, dispatched). */
  readonly largeLanes: number;
  /** Of those, at most this many for one client address. */
  readonly largeLanesPerClient: number;
  /** Large bodies allowed to wait for a lane; past that they are answered "busy". */
  readonly maxLargeWaiting: number;
}

export const DEFAULT_LARGE_BODY = { largeBytes: 256 * 1024, largeLanes: 4, largeLanesPerClient: 2, maxLargeWaiting: 256 } as const;

/**
 * Reads request bodies with the memory they may take bounded. A body costs
 * several times its size while it is decoded into text, an XML tree and
 * parameter strings, so 16 bodies at the 8 MiB limit at once once took oned
 * past 2 GB. Bodies over `largeBytes` therefore take one of `largeLanes`
 * lanes, waiting for it unread (TCP flow control holds the rest back), and
 * keep it until their call is answered. Smaller calls never wait. A body
 * announced with Content-Length goes straight into one buffer of that size.
 */
export class BodyReader {
  private readonly lanes: FairLimiter;

  constructor(private readonly limits: BodyLimits) {
    this.lanes = new FairLimiter(limits.largeLanes, limits.maxLargeWaiting, limits.largeLanesPerClient);
  }

  /** Reads `req`'s body. Call `release` once the call is answered (it frees the lane, if any). */
  async read(req: http.IncomingMessage): Promise<{ body: Body; release: () => void }> {
    let release = (): void => {};
    const max = this.limits.maxBytes;
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    // Not worth draining: answer at once and let the connection close.
    if (declared !== undefined && declared > max * 8) return { body: { kind: 'too-large' }, release };
    const lane = async (): Promise<boolean> => {
      const granted = await this.takeLane(req.socket.remoteAddress ?? '');
      if (granted) release = granted;
      return granted !== undefined;
    };
    if (declared !== undefined && declared > this.limits.largeBytes && declared <= max && !(await lane())) {
      return { body: { kind: 'busy' }, release };
    }

    const draining = declared !== undefined && declared > max;
    const whole = declared !== undefined && !draining ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      // destroyOnReturn false: leaving early must not close the socket the answer goes out on.
      for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        const at = size;
        size += chunk.length;
        if (size > max * 8) req.destroy(new Error('request body too large'));
        if (size > max || draining) {
          chunks.length = 0; // keep draining so the fault reaches a client still sending, but store nothing
          continue;
        }
        if (whole) {
          chunk.copy(whole, at);
          continue;
        }
        // No Content-Length (chunked): a lane once the body turns out large.
        if (size > this.limits.largeBytes && at <= this.limits.largeBytes && !(await lane())) {
          return { body: { kind: 'busy' }, release };
        }
        chunks.push(chunk);
      }
    } catch (error) {
      release();
      throw error;
    }
    if (size > max) return { body: { kind: 'too-large' }, release };
    return { body: { kind: 'read', bytes: whole ? whole.subarray(0, size) : Buffer.concat(chunks, size) }, release };
  }

  /** Resolves with the lane's release once granted, or undefined when too many already wait. */
  private takeLane(source: string): Promise<(() => void) | undefined> {
    return new Promise((granted) => {
      const queued = this.lanes.run(source, () => new Promise<void>((done) => granted(done)));
      if (!queued) granted(undefined);
    });
  }
}
