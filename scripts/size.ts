/** `npm run size`: gzipped and brotli sizes of each browser artefact, against its budget. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const budgets = [
  { file: 'dist/parley.js', what: 'script-tag loader', gzipBudget: 4 * 1024 },
  { file: 'dist/parley-widget.js', what: 'widget chunk (Preact, UI, conversation)', gzipBudget: 30 * 1024 },
  { file: 'dist/parley-understanding.js', what: 'NLU client, fetched when the model loads', gzipBudget: 4 * 1024 },
  { file: 'dist/parley-client.js', what: 'fulfillment client, fetched when the widget mounts', gzipBudget: 4 * 1024 },
  { file: 'dist/parley-session-store.js', what: 'IndexedDB session store (with persist)', gzipBudget: 6 * 1024 },
  { file: 'dist/parley-redact.js', what: 'redaction with libphonenumber-js, only with persist.redact', gzipBudget: 36 * 1024 },
  { file: 'dist/parley-purify.es.js', what: 'DOMPurify, only for browsers without Element.setHTML', gzipBudget: 15 * 1024 },
  { file: 'dist/parley-nlu-worker.js', what: 'NLU worker: featurizer, decoding, extractors', gzipBudget: 120 * 1024 },
  { file: 'dist/parley-nlu-ort-wasm.js', what: "onnxruntime-web's JS for the WASM backend", gzipBudget: 30 * 1024 },
  { file: 'dist/parley-nlu-ort-webgpu.js', what: "onnxruntime-web's JS for the WebGPU backend (only when used)", gzipBudget: 45 * 1024 },
] as const;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

/** Prints the table; returns false when an artefact is missing or over budget. */
export function printSizes(): boolean {
  let ok = true;
  console.log(`${'artefact'.padEnd(30)} raw        gzip       brotli     budget (gzip)`);
  for (const { file, what, gzipBudget } of budgets) {
    if (!existsSync(file)) {
      console.log(`${file.padEnd(30)} missing: run npm run build`);
      ok = false;
      continue;
    }
    const bytes = readFileSync(file);
    const gzip = gzipSync(bytes, { level: 9 }).length;
    const brotli = brotliCompressSync(bytes).length;
    const within = gzip <= gzipBudget;
    ok &&= within;
    console.log(
      `${file.padEnd(30)} ${kb(bytes.length).padEnd(10)} ${kb(gzip).padEnd(10)} ${kb(brotli).padEnd(10)} ${kb(gzipBudget)} ${within ? 'ok' : 'OVER'}  (${what})`,
    );
    const imported = staticImports(file);
    if (imported.length > 0) {
      const sizes = imported.map((chunk) => readFileSync(chunk)).map((chunk) => [chunk.length, gzipSync(chunk, { level: 9 }).length, brotliCompressSync(chunk).length] as const);
      const [raw, gz, br] = [0, 1, 2].map((i) => sizes.reduce((sum, size) => sum + size[i]!, 0)) as [number, number, number];
      console.log(`${'  + the chunks it imports'.padEnd(30)} ${kb(raw).padEnd(10)} ${kb(gz).padEnd(10)} ${kb(br).padEnd(10)} (${imported.map((chunk) => chunk.replace(/^dist\//, '')).join(', ')}: fetched with it, not counted in its budget)`);
    }
  }
  return ok;
}

/** The chunks a file imports statically (and those import), which the browser fetches with it. */
function staticImports(file: string, seen = new Set<string>()): string[] {
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(/(?:\bfrom|\bimport)\s*["'](\.\/[^"']+)["']/g)) {
    const chunk = join(dirname(file), match[1]!);
    if (seen.has(chunk) || !existsSync(chunk)) continue;
    seen.add(chunk);
    staticImports(chunk, seen);
  }
  return [...seen];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit(printSizes() ? 0 : 1);
}
