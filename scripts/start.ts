/** `npm start`: builds the widget, then serves the demo store page on localhost and prints its URL. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ensureDemoBot } from './demo-bot';
import { createStaticServer, demoSite, listen } from './server';

execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { stdio: 'inherit' });
ensureDemoBot();

const port = Number(process.env.PORT ?? 4173);
mkdirSync('.cache', { recursive: true });
const server = createStaticServer(await demoSite({ dbPath: '.cache/example-backend.sqlite' }));
listen(server, port)
  .catch(() => listen(server, 0)) // the usual port is taken: any free one will do
  .then((url) => {
    console.log(`\nParley demo: ${url}\n(Ctrl+C to stop)`);
  })
  .catch((error: unknown) => {
    console.error('Could not start the demo server:', error);
    process.exit(1);
  });
