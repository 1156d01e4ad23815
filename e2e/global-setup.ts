/** Builds the SPA fixture against the built npm library (dist/lib), as an SPA would consume it. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';

export default async function globalSetup(): Promise<void> {
  for (const artefact of ['dist/parley.js', 'dist/parley-widget.js', 'dist/lib/index.js', 'models/acme/bot.json']) {
    if (!existsSync(artefact)) throw new Error(`${artefact} is missing: run "npm test", which builds it.`);
  }
  // A bundle whose model file is missing: the light stage answers alone (light-stage.spec.ts); without
  // the light stage too (a bundle from before it), the widget falls back to buttons-only and says so.
  const acme = JSON.parse(readFileSync('models/acme/bot.json', 'utf8')) as { nlu: { model: { file: string }; light?: unknown } };
  acme.nlu.model.file = 'missing-model.onnx';
  mkdirSync('e2e/pages/bots/missing-onnx', { recursive: true });
  writeFileSync('e2e/pages/bots/missing-onnx/bot.json', JSON.stringify(acme));
  delete acme.nlu.light;
  mkdirSync('e2e/pages/bots/missing-model', { recursive: true });
  writeFileSync('e2e/pages/bots/missing-model/bot.json', JSON.stringify(acme));

  await build({
    configFile: false,
    logLevel: 'warn',
    root: resolve('e2e/spa'),
    base: '/spa/',
    resolve: { alias: { parley: resolve('dist/lib/index.js') } },
    build: { outDir: resolve('e2e/spa/dist'), emptyOutDir: true },
  });
  // The featurizer alone, bundled for the browser, to prove it computes what the trainer computed.
  await build({
    configFile: false,
    logLevel: 'warn',
    root: resolve('e2e/featurize'),
    base: '/featurize/',
    build: { outDir: resolve('e2e/featurize/dist'), emptyOutDir: true },
  });
}
