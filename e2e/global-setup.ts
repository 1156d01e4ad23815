/** Builds the SPA fixture against the built npm library (dist/lib), as an SPA would consume it. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';

export default async function globalSetup(): Promise<void> {
  for (const artefact of ['dist/parley.js', 'dist/parley-widget.js', 'dist/lib/index.js']) {
    if (!existsSync(artefact)) throw new Error(`${artefact} is missing: run "npm run build" (npm test does it for you).`);
  }
  await build({
    configFile: false,
    logLevel: 'warn',
    root: resolve('e2e/spa'),
    base: '/spa/',
    resolve: { alias: { parley: resolve('dist/lib/index.js') } },
    build: { outDir: resolve('e2e/spa/dist'), emptyOutDir: true },
  });
}
