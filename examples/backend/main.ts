/**
 * Runs the example backend on its own: `npx tsx examples/backend/main.ts [port] [--origins <list>]`
 * serves POST /api/fulfillment with the database in .cache/example-backend.sqlite. Pages on other
 * origins may call it only when listed, comma-separated, in --origins or PARLEY_ALLOWED_ORIGINS
 * (`*` for any, which lets every site on the web spend this backend's work); by default only the
 * demo's localhost origins may.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { toNodeListener } from '../../src/server';
import { createExampleBackend, exampleOrigins } from './backend';

const { values, positionals } = parseArgs({ options: { origins: { type: 'string' } }, allowPositionals: true });
const origins = exampleOrigins(values.origins ?? process.env.PARLEY_ALLOWED_ORIGINS);
const port = Number(positionals[0] ?? 4400);

mkdirSync('.cache', { recursive: true });
const backend = await createExampleBackend({ dbPath: '.cache/example-backend.sqlite', cors: { origins } });
const listener = toNodeListener(backend.handler);
const server = createServer((req, res) => {
  if (req.url?.split('?')[0] !== '/api/fulfillment') {
    res.statusCode = 404;
    return res.end();
  }
  listener(req, res);
});
// Headers that trickle in are Node's to cut off (the listener bounds bodies): 10 s for the headers, 30 s for a whole request.
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.listen(port, () => console.log(`example backend on http://localhost:${port}/api/fulfillment (pages allowed from ${origins === '*' ? 'any origin' : origins.join(', ')})`));
