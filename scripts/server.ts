/**
 * A small static server for the demo and the e2e tests: dist/ at the root (parley.js, the widget
 * chunk), models/ at /models/, public/ assets, and the demo page. Pages can get extra headers
 * (the e2e tests use that for a strict Content-Security-Policy).
 */
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import { createExampleBackend, type ExampleBackend } from '../examples/backend/backend';
import { toNodeListener } from '../src/server';

export interface Mount {
  /** URL prefix, e.g. "/models". */
  prefix: string;
  /** Folder served under it. */
  dir: string;
}

export interface StaticServerOptions {
  mounts: Mount[];
  /** Single files at fixed paths, e.g. { "/": "index.html" }. */
  pages?: Record<string, string>;
  /** Extra response headers for a path, e.g. a CSP for one test page. */
  headersFor?: (pathname: string) => Record<string, string>;
  /** Request handlers at fixed paths (the demo's fulfillment endpoint). */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export function createStaticServer({ mounts, pages = {}, headersFor, routes = {} }: StaticServerOptions): Server {
  const handlers = mounts.map(({ prefix, dir }) => ({
    prefix: prefix.replace(/\/$/, ''),
    serve: sirv(dir, { dev: true, etag: true, gzip: true, brotli: true, extensions: ['html'] }) as Handler,
  }));

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    for (const [name, value] of Object.entries(headersFor?.(url.pathname) ?? {})) res.setHeader(name, value);

    const route = routes[url.pathname];
    if (route) return route(req, res);

    const page = pages[url.pathname];
    if (page && (req.method === 'GET' || req.method === 'HEAD')) {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache');
      if (req.method === 'HEAD') return void res.end();
      createReadStream(page).pipe(res);
      return;
    }

    const candidates = handlers.filter(({ prefix }) => prefix === '' || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
    const tryNext = (index: number): void => {
      const candidate = candidates[index];
      if (!candidate) {
        res.statusCode = 404;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(`Not found: ${url.pathname}`);
        return;
      }
      const originalUrl = req.url;
      req.url = (req.url ?? '/').slice(candidate.prefix.length) || '/';
      candidate.serve(req, res, () => {
        req.url = originalUrl;
        tryNext(index + 1);
      });
    };
    tryNext(0);
  });
}

/** Listens on the given port (0 picks a free one) on loopback and resolves with the base URL. */
export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolve(`http://${host === '127.0.0.1' ? 'localhost' : host}:${address.port}/`);
    });
  });
}

/**
 * The demo site: the store page embedding the widget exactly as a customer would, and the example
 * backend (SQLite) at /api/fulfillment. Without `dbPath` the database lives in memory.
 */
export async function demoSite(options: { dbPath?: string } = {}): Promise<Pick<StaticServerOptions, 'mounts' | 'pages' | 'routes'> & { backend: ExampleBackend }> {
  const backend = await createExampleBackend(options);
  return {
    backend,
    pages: { '/': 'index.html', '/index.html': 'index.html' },
    routes: { '/api/fulfillment': toNodeListener(backend.handler) },
    mounts: [
      { prefix: '/models', dir: 'models' },
      { prefix: '/', dir: 'dist' },
      { prefix: '/', dir: 'public' },
    ],
  };
}
