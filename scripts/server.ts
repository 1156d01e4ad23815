/**
 * A small static server for the demo and the e2e tests: dist/ at the root (parley.js, the widget
 * chunk), models/ at /models/, public/ assets, and the demo page. Pages can get extra headers
 * (the e2e tests use that for a strict Content-Security-Policy). sirv sends the precompressed twin
 * of a file (`.br`, `.gz`) when there is one; `brotliCopy` makes one for every file, as a CDN would.
 */
import { cpSync, createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, createBrotliCompress } from 'node:zlib';
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
  /** Compress the pages with brotli on the fly for browsers that accept it (the benchmark's CDN-like site). */
  brotliPages?: boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export function createStaticServer({ mounts, pages = {}, headersFor, routes = {}, brotliPages = false }: StaticServerOptions): Server {
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
      const brotli = brotliPages && acceptsBrotli(req);
      if (brotliPages) res.setHeader('Vary', 'Accept-Encoding');
      if (brotli) res.setHeader('Content-Encoding', 'br');
      if (req.method === 'HEAD') return void res.end();
      if (brotli) createReadStream(page).pipe(createBrotliCompress()).pipe(res);
      else createReadStream(page).pipe(res);
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

const acceptsBrotli = (req: IncomingMessage) => /\bbr\b/.test(String(req.headers['accept-encoding'] ?? ''));

/** Already compressed: a CDN sends these as they are. */
const INCOMPRESSIBLE = new Set(['.br', '.gz', '.zip', '.png', '.jpg', '.jpeg', '.gif', '.webp', '.avif', '.woff', '.woff2', '.mp3', '.mp4', '.webm']);

/**
 * A temporary copy of the mounted folders in which every compressible file has a brotli twin beside
 * it, so the server sends brotli for everything, as a CDN does: the build's own `.br` files are kept,
 * the rest (models/: bot.json, model.onnx; public/) is compressed here at the build's quality (9).
 * A copy, not links: the figures belong to one snapshot even if the folders are rebuilt meanwhile.
 * `dispose()` removes it.
 */
export function brotliCopy(mounts: Mount[]): { mounts: Mount[]; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'parley-brotli-'));
  const compressAll = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) compressAll(path);
      else if (entry.isFile() && !INCOMPRESSIBLE.has(extname(entry.name).toLowerCase()) && !existsSync(`${path}.br`)) {
        const bytes = readFileSync(path);
        const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
        if (brotli.length < bytes.length) writeFileSync(`${path}.br`, brotli);
      }
    }
  };
  const copied = mounts.map((mount, i) => {
    const dir = join(root, String(i));
    if (existsSync(mount.dir) && statSync(mount.dir).isDirectory()) {
      cpSync(mount.dir, dir, { recursive: true });
      compressAll(dir);
    }
    return { ...mount, dir };
  });
  return { mounts: copied, dispose: () => rmSync(root, { recursive: true, force: true }) };
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
