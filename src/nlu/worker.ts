/**
 * The NLU Web Worker: loads the bot bundle and its ONNX model into onnxruntime-web (WASM, one thread),
 * warms the session with one inference, then answers parse requests. Every failure is answered with an
 * error value naming what failed; the worker never goes silent.
 */
import * as ort from 'onnxruntime-web/wasm';
import { parseNluBundle, type NluBundle } from './bundle';
import { createExtractors, type ExtractorsDefinition } from './extractors';
import { fetchVerified, ModelCorruptError } from './model-cache';
import { createOrtRunner } from './model-runner';
import { createParser, type Parser } from './parse';
import type { LoadInfo, LoadRequest, NluError, WorkerRequest, WorkerResponse } from './protocol';

interface BotFile {
  nlu?: unknown;
  extractors?: ExtractorsDefinition;
}

let parser: Parser | null = null;

/** onnxruntime-web's single-threaded SIMD build: the only runtime file the worker needs. */
const RUNTIME_WASM_FILE = 'ort-wasm-simd-threaded.wasm';

const scope = self as unknown as { onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null; postMessage(message: WorkerResponse): void };

class NluFailure extends Error {
  constructor(readonly error: NluError) {
    super(error.message);
  }
}

async function load(request: LoadRequest): Promise<LoadInfo> {
  const started = performance.now();
  let bot: BotFile;
  try {
    const response = await fetch(request.botUrl);
    if (!response.ok) throw new Error(`GET ${request.botUrl} answered ${response.status}`);
    bot = (await response.json()) as BotFile;
  } catch (error) {
    throw new NluFailure({ code: 'model-fetch-failed', message: `the bot bundle could not be fetched: ${String(error)}` });
  }
  if (!bot.nlu) throw new NluFailure({ code: 'bundle-invalid', message: `${request.botUrl} has no language model ("nlu"): train it with parley train` });
  const parsed = parseNluBundle(bot.nlu, `${request.botUrl} nlu`);
  if (!parsed.ok) throw new NluFailure({ code: 'bundle-invalid', message: parsed.problems.join('\n') });
  const bundle: NluBundle = parsed.value;

  const modelUrl = new URL(bundle.model.file, request.botUrl).href;
  let model: { bytes: Uint8Array; fromCache: boolean };
  try {
    model = await fetchVerified(modelUrl, bundle.model.sha256);
  } catch (error) {
    if (error instanceof ModelCorruptError) throw new NluFailure({ code: 'model-corrupt', message: `${error.message}: the model does not match bot.json; rebuild the bundle with parley train and deploy both files` });
    throw new NluFailure({ code: 'model-fetch-failed', message: error instanceof Error ? error.message : String(error) });
  }
  await useCachedRuntime(request.runtimeUrl);

  let runner;
  try {
    ort.env.wasm.numThreads = 1; // threads need cross-origin isolation and gain nothing at this size
    ort.env.wasm.wasmPaths = request.runtimeUrl;
    runner = await createOrtRunner(ort, model.bytes, bundle.config, { executionProviders: ['wasm'] });
  } catch (error) {
    throw new NluFailure({ code: 'runtime-failed', message: `onnxruntime could not start: ${String(error)}` });
  }
  const extractors = createExtractors(bot.extractors ?? {});
  parser = createParser(bundle, runner, extractors);
  const loaded = performance.now();
  await parser.parse('hello', { now: new Date(), timeZone: 'UTC', locale: 'en' });
  return {
    backend: 'wasm',
    modelBytes: model.bytes.byteLength,
    fromCache: model.fromCache,
    loadMs: loaded - started,
    warmupMs: performance.now() - loaded,
  };
}

/** The runtime's .wasm this worker was built with (set by the build; absent when run from source). */
const RUNTIME_WASM_SHA256 = typeof __PARLEY_ORT_WASM_SHA256__ === 'string' ? __PARLEY_ORT_WASM_SHA256__ : null;

/** Hands onnxruntime the .wasm from the cache (fetched and cached on the first visit). */
async function useCachedRuntime(runtimeUrl: string): Promise<void> {
  if (!RUNTIME_WASM_SHA256 || ort.env.wasm.wasmBinary) return;
  const url = new URL(RUNTIME_WASM_FILE, runtimeUrl).href;
  try {
    ort.env.wasm.wasmBinary = (await fetchVerified(url, RUNTIME_WASM_SHA256)).bytes;
  } catch (error) {
    const advice = error instanceof ModelCorruptError ? ': serve the ort/ folder from the same Parley version as parley-nlu-worker.js' : '';
    throw new NluFailure({ code: 'runtime-failed', message: `the language runtime could not be loaded: ${error instanceof Error ? error.message : String(error)}${advice}` });
  }
}

async function answer(request: WorkerRequest): Promise<WorkerResponse> {
  try {
    if (request.type === 'load') return { id: request.id, ok: true, type: 'load', info: await load(request) };
    if (!parser) return { id: request.id, ok: false, error: { code: 'not-loaded', message: 'parse before the model was loaded' } };
    const result = await parser.parse(request.text, { now: new Date(request.now), timeZone: request.timeZone, locale: request.locale });
    return { id: request.id, ok: true, type: 'parse', result };
  } catch (error) {
    if (error instanceof NluFailure) return { id: request.id, ok: false, error: error.error };
    return { id: request.id, ok: false, error: { code: request.type === 'load' ? 'runtime-failed' : 'parse-failed', message: String(error) } };
  }
}

scope.onmessage = (event) => {
  void answer(event.data).then((response) => scope.postMessage(response));
};
