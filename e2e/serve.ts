/** The e2e site: the demo site plus the fixture pages (e2e/pages at /e2e/, the SPA fixture at /spa/). */
import { createStaticServer, demoSite, listen } from '../scripts/server';

/** What a strict site allows: no inline script or style, no eval, same-origin everything. */
export const STRICT_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const site = await demoSite();
const server = createStaticServer({
  pages: site.pages ?? {},
  routes: {
    ...site.routes,
    // For the tests only: what the example backend's database holds.
    '/e2e-api/refunds': (_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(site.backend.db.all('SELECT id, order_id FROM refunds')));
    },
    '/e2e-api/tickets': (_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(site.backend.db.all('SELECT id, kind, transcript FROM tickets')));
    },
  },
  mounts: [...site.mounts, { prefix: '/e2e', dir: 'e2e/pages' }, { prefix: '/spa', dir: 'e2e/spa/dist' }, { prefix: '/featurize', dir: 'e2e/featurize/dist' }],
  headersFor: (pathname): Record<string, string> => (pathname.startsWith('/e2e/strict-csp') ? { 'Content-Security-Policy': STRICT_CSP } : {}),
});

const port = Number(process.argv[2] ?? 4318);
listen(server, port).then((url) => console.log(`e2e site on ${url}`));
