import http from 'node:http';
import type { OnedMetrics } from './metrics.ts';
import { closeHttpNow, listenHttp } from './http-listen.ts';

/**
 * `GET /metrics` on its own HTTP server (METRICS_PORT, METRICS_LISTEN_ADDRESS),
 * apart from XML-RPC: a scraper needs no session, and the two can be bound
 * and firewalled differently. It serves nothing else.
 */
export class MetricsServer {
  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(metrics: OnedMetrics, address: string, port: number): Promise<MetricsServer> {
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/metrics') return plain(res, 404, 'Not Found\n');
      if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
      metrics.scrape().then(
        ({ text, contentType }) => {
          res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (error: unknown) => plain(res, 500, `Cannot collect metrics: ${error instanceof Error ? error.message : String(error)}\n`),
      );
    });
    server.requestTimeout = 30_000;
    return new MetricsServer(server, (await listenHttp(server, port, address)).port);
  }

  close(): Promise<void> {
    return closeHttpNow(this.server);
  }
}

function plain(res: http.ServerResponse, status: number, text: string, extra: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text), ...extra }).end(text);
}
