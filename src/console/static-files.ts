import { readdirSync, readFileSync } from 'node:fs';
import type http from 'node:http';
import { join } from 'node:path';
import { REPO_ROOT } from '../config/layout.ts';

const PUBLIC_DIR = join(REPO_ROOT, 'src', 'console', 'public');

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/**
 * The console's page, scripts and styles, read once from src/console/public
 * (no build step). Only the files found there are served, by exact name:
 * no path from a request ever reaches the file system.
 */
export class StaticFiles {
  private readonly files = new Map<string, { body: Buffer; type: string }>();

  constructor(dir = PUBLIC_DIR) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[name.split('.').pop() ?? ''];
      if (type) this.files.set(name, { body: readFileSync(join(dir, name)), type });
    }
  }

  /** Serves `/` as index.html and `/<name>` as that file; false when there is no such file. */
  serve(path: string, res: http.ServerResponse, headers: http.OutgoingHttpHeaders): boolean {
    const file = this.files.get(path === '/' ? 'index.html' : path.slice(1));
    if (!file) return false;
    res.writeHead(200, { ...headers, 'Content-Type': file.type, 'Content-Length': file.body.length, 'Cache-Control': 'no-cache' });
    res.end(file.body);
    return true;
  }
}
