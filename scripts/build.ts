/**
 * Builds every artefact into dist/:
 *   parley.js          script-tag loader (IIFE, tiny)
 *   parley-widget.js   the widget chunk the loader imports lazily (ESM, Preact included)
 *   parley-nlu-worker.js + ort/   the NLU Web Worker and onnxruntime's WASM files
 *   lib/               the npm package's ESM entry + type declarations (dependencies left external)
 *   cli/parley.js      the Node CLI
 * Then prints the sizes against their budgets (see scripts/size.ts).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { build, type InlineConfig } from 'vite';
import pkg from '../package.json' with { type: 'json' };
import { printSizes } from './size';

/** onnxruntime-web's single-threaded SIMD WASM runtime: the only build the worker loads. */
const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'];

const base: InlineConfig = { configFile: 'vite.config.ts', logLevel: 'warn', publicDir: false };
const runtimeDependencies = Object.keys(pkg.dependencies);
const isExternal = (id: string) =>
  runtimeDependencies.some((dep) => id === dep || id.startsWith(`${dep}/`)) ||
  id.startsWith('node:') ||
  builtinModules.includes(id);

async function main() {
  const started = performance.now();
  await build({
    ...base,
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2020',
      lib: { entry: 'src/embed/loader.ts', formats: ['iife'], name: 'parleyLoader', fileName: () => 'parley.js' },
    },
  });
  await build({
    ...base,
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2020',
      // Not lib mode: lib mode keeps whitespace in ES output, and this file goes straight to browsers.
      rolldownOptions: {
        input: 'src/ui/widget-entry.ts',
        preserveEntrySignatures: 'exports-only',
        output: { format: 'es', entryFileNames: 'parley-widget.js', chunkFileNames: 'parley-[name].js' },
      },
    },
  });
  // The NLU worker (onnxruntime-web's WASM build inside) and the runtime's .wasm, served by the site.
  await build({
    ...base,
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2022',
      assetsInlineLimit: 0,
      rolldownOptions: {
        input: 'src/nlu/worker.ts',
        output: { format: 'es', entryFileNames: 'parley-nlu-worker.js', assetFileNames: 'ort/[name][extname]' },
      },
    },
  });
  mkdirSync('dist/ort', { recursive: true });
  for (const file of ORT_RUNTIME_FILES) copyFileSync(`node_modules/onnxruntime-web/dist/${file}`, `dist/ort/${file}`);
  await build({
    ...base,
    build: {
      outDir: 'dist/lib',
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'index.js' },
      rolldownOptions: { external: isExternal },
    },
  });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.lib.json'], { stdio: 'inherit' });
  await build({
    ...base,
    build: {
      outDir: 'dist/cli',
      emptyOutDir: false,
      target: 'node20',
      ssr: 'src/cli/main.ts',
      rolldownOptions: {
        external: isExternal,
        output: { entryFileNames: 'parley.js' },
      },
    },
  });
  console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  printSizes();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
