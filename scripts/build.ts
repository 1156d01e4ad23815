/**
 * Builds every artefact into dist/:
 *   parley.js          script-tag loader (IIFE, tiny)
 *   parley-widget.js   the widget chunk the loader imports lazily (ESM, Preact included)
 *   parley-nlu-worker.js + ort/   the NLU Web Worker and onnxruntime's WASM files
 *   lib/               the npm package's ESM entry + type declarations (dependencies left external)
 *   cli/parley.js      the Node CLI (+ final-fit-worker.js, the trainer's worker thread)
 * Then prints the sizes against their budgets (see scripts/size.ts).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { builtinModules } from 'node:module';
import { build, type InlineConfig } from 'vite';
import pkg from '../package.json' with { type: 'json' };
import { printSizes } from './size';

/**
 * onnxruntime-web's runtimes the worker may load: the plain SIMD build (WASM backend) and the asyncify
 * build (WebGPU backend). A visitor's browser fetches only the one it uses.
 */
const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'];

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
  // The worker knows the .wasm files' hashes, so it can cache them itself and never run a mismatched one.
  const wasmSha256 = Object.fromEntries(
    ORT_RUNTIME_FILES.filter((file) => file.endsWith('.wasm')).map((file) => [file, createHash('sha256').update(readFileSync(`node_modules/onnxruntime-web/dist/${file}`)).digest('hex')]),
  );
  await build({
    ...base,
    define: { __PARLEY_ORT_WASM_SHA256__: JSON.stringify(wasmSha256) },
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2022',
      assetsInlineLimit: 0,
      // A worker has no document: Vite's preload helper for dynamic imports would throw there.
      modulePreload: false,
      rolldownOptions: {
        input: 'src/nlu/runtime/worker.ts',
        output: { format: 'es', entryFileNames: 'parley-nlu-worker.js', chunkFileNames: (chunk) => `parley-nlu-${chunk.name.replace(/^ort\.(\w+)\..*$/, 'ort-$1')}.js`, assetFileNames: 'ort/[name][extname]' },
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
  // parley/server: the fulfillment handler for a site's Node backend.
  await build({
    ...base,
    build: {
      outDir: 'dist/lib',
      emptyOutDir: false,
      target: 'node20',
      minify: false,
      ssr: 'src/server/index.ts',
      rolldownOptions: { external: isExternal, output: { entryFileNames: 'server.js' } },
    },
  });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.lib.json'], { stdio: 'inherit' });
  await buildCli();
  checkMainThreadWithoutValibot();
  precompressBrowserFiles();
  console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  printSizes();
}

/**
 * The Node CLI into `outDir`. Its entry is package.json's "bin" (`dist/cli/parley.js`), which npm
 * links and the shell runs directly: the build writes a new file each time (the first step empties
 * dist/), so it sets the run bit again, or `npx parley` answers "Permission denied" after a rebuild.
 */
export async function buildCli(outDir = 'dist/cli'): Promise<void> {
  await build({
    ...base,
    build: {
      outDir,
      emptyOutDir: false,
      target: 'node20',
      ssr: true,
      rolldownOptions: {
        // The trainer starts the final fit's worker thread from the file next to its own chunk (src/train/final-fit.ts).
        input: { parley: 'src/cli/main.ts', 'final-fit-worker': 'src/train/final-fit-worker.ts' },
        external: isExternal,
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
  chmodSync(join(outDir, 'parley.js'), 0o755);
}

/**
 * valibot iterates with `for...in`, so on a page that added a method to Object.prototype it fails
 * (e2e/hostile-page.spec.ts): no code that runs in the page's main thread may load it, not even
 * through a constant imported from a schema module. The worker has its own globals and may; so may
 * Node. Browser chunks inline it (its "~run" methods give it away); the npm library imports it.
 */
export function checkMainThreadWithoutValibot(dist = 'dist'): void {
  const mainThread = readdirSync(dist).filter((file) => /^parley.*\.js$/.test(file) && !file.startsWith('parley-nlu-'));
  const loading = [
    ...mainThread.filter((file) => readFileSync(join(dist, file), 'utf8').includes('~run')),
    ...(/from\s*["']valibot["']/.test(readFileSync(join(dist, 'lib/index.js'), 'utf8')) ? ['lib/index.js'] : []),
  ];
  if (loading.length > 0) throw new Error(`valibot reached code that runs in the host page (${loading.join(', ')}): read untrusted data there with src/check.ts`);
}

/**
 * Gzip and brotli copies next to every file a browser fetches (static servers such as sirv, nginx's
 * gzip_static or a CDN serve them as they are): the runtime's .wasm goes from 14 MB to about 3 MB.
 */
function precompressBrowserFiles(): void {
  const browserFiles = readdirSync('dist', { recursive: true, encoding: 'utf8' }).filter(
    (file) => /\.(js|mjs|wasm)$/.test(file) && !file.startsWith('lib') && !file.startsWith('cli'),
  );
  for (const file of browserFiles) {
    const bytes = readFileSync(join('dist', file));
    writeFileSync(join('dist', `${file}.gz`), gzipSync(bytes, { level: 9 }));
    writeFileSync(join('dist', `${file}.br`), brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
