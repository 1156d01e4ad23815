/**
 * Runs the example backend on its own: `npx tsx examples/backend/main.ts [port]` serves
 * POST /api/fulfillment with the database in .cache/example-backend.sqlite.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { toNodeListener } from '../../src/server';
import { createExampleBackend } from './backend';

mkdirSync('.cache', { recursive: true });
const backend = await createExampleBackend({ dbPath: '.cache/example-backend.sqlite', cors: { origins: '*' } });
const listener = toNodeListener(backend.handler);
const port = Number(process.argv[2] ?? 4400);
createServer((req, res) => {
  if (req.url?.split('?')[0] !== '/api/fulfillment') {
    res.statusCode = 404;
    return res.end();
  }
  listener(req, res);
}).listen(port, () => console.log(`example backend on http://localhost:${port}/api/fulfillment`));
