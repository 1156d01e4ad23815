/**
 * The NLU Web Worker. It answers with one stage, the one its load request names: the light stage (a
 * linear model in plain JavaScript, inside bot.json), ready as soon as the bundle has arrived, or the
 * full stage, the ONNX model in onnxruntime-web (WASM, one thread, or WebGPU: see backend.ts), warmed
 * with one inference. The client runs one worker per stage, so a message never waits behind the
 * transformer's loading. Each onnxruntime build is its own chunk, so only the one in use is fetched.
 * Every failure is answered with an error value naming what failed; the worker never goes silent.
 */
import type * as OrtWasm from 'onnxruntime-web/wasm';
import { chooseBackend, type BackendChoice } from './backend';
import { parseNluBundle, type NluBundle } from '../bundle';
import { createExtractors, type ExtractorsDefinition } from '../extractors';
import { fetchVerified, ModelCorruptError } from './model-cache';
import { createOrtRunner, type ModelRunner } from './model-runner';
import type { ExtractionContext, Extractor } from '../extractors/types';
import { createLightParser, type LightParser } from '../light/light-parser';
import { createParser, type Parser } from '../parse';
import type { Backend, LoadInfo, LoadRequest, NluError, StageInfo, WorkerRequest, WorkerResponse } from './protocol';

type Ort = typeof OrtWasm;

interface BotFile {
  nlu?: unknown;
  extractors?: ExtractorsDefinition;
}

let light: LightParser | null = null;
let full: Parser | null = null;

/** The .wasm each onnxruntime build loads (the WebGPU build needs asyncify for its async kernels). */
const RUNTIME_WASM_FILES = { wasm: 'ort-wasm-simd-threaded.wasm', webgpu: 'ort-wasm-simd-threaded.asyncify.wasm' } as const;

const importRuntime = (backend: 'wasm' | 'webgpu'): Promise<Ort> => (backend === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm'));

const scope = self as unknown as { onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null; postMessage(message: WorkerResponse): void };

const WARM_UP: ExtractionContext = { now: new Date(0), timeZone: 'UTC', locale: 'en' };

class NluFailure extends Error {
  constructor(readonly error: NluError) {
    super(error.message);
  }
}

async function load(request: LoadRequest): Promise<StageInfo> {
  const started = performance.now();
  const { bot, bundle } = await fetchBundle(request.botUrl);
  const extractors = createExtractors(bot.extractors ?? {});
  if (request.stage === 'full' || (!bundle.light && request.fullIfNoLight)) return loadFull(request, bundle, extractors, started);
  if (!bundle.light) throw new NluFailure({ code: 'bundle-invalid', message: `${request.botUrl} has no light stage (a bundle from before format 4): retrain it with parley train` });
  const parser = createLightParser(bundle, extractors);
  parser.parse('hello', WARM_UP);
  light = parser;
  return { stage: 'light', loadMs: performance.now() - started };
}

async function fetchBundle(botUrl: string): Promise<{ bot: BotFile; bundle: NluBundle }> {
  let bot: BotFile;
  try {
    const response = await fetch(botUrl);
    if (!response.ok) throw new Error(`GET ${botUrl} answered ${response.status}`);
    bot = (await response.json()) as BotFile;
  } catch (error) {
    throw new NluFailure({ code: 'model-fetch-failed', message: `the bot bundle could not be fetched: ${String(error)}` });
  }
  if (!bot.nlu) throw new NluFailure({ code: 'bundle-invalid', message: `${botUrl} has no language model ("nlu"): train it with parley train` });
  const parsed = parseNluBundle(bot.nlu, `${botUrl} nlu`);
  if (!parsed.ok) throw new NluFailure({ code: 'bundle-invalid', message: parsed.problems.join('\n') });
  return { bot, bundle: parsed.value };
}

/** Fetches (or finds in the cache) the model and the runtime, starts it and warms it. */
async function loadFull(request: LoadRequest, bundle: NluBundle, extractors: readonly Extractor[], started: number): Promise<LoadInfo> {
  const modelUrl = new URL(bundle.model.file, request.botUrl).href;
  let model: { bytes: Uint8Array; fromCache: boolean };
  try {
    model = await fetchVerified(modelUrl, bundle.model.sha256);
  } catch (error) {
    if (error instanceof ModelCorruptError) throw new NluFailure({ code: 'model-corrupt', message: `${error.message}: the model does not match bot.json; rebuild the bundle with parley train and deploy both files` });
    throw new NluFailure({ code: 'model-fetch-failed', message: error instanceof Error ? error.message : String(error) });
  }

  const choice = chooseBackend(request.backend, await hasGpuAdapter(request.backend), bundle.config);
  const runner = await startRuntime(choice, model.bytes, bundle, request.runtimeUrl);
  const parser = createParser(bundle, runner, extractors);
  const loaded = performance.now();
  await parser.parse('hello', WARM_UP);
  full = parser;
  return {
    stage: 'full',
    backend: runner.backend,
    backendReason: runner.reason,
    modelBytes: model.bytes.byteLength,
    fromCache: model.fromCache,
    loadMs: loaded - started,
    warmupMs: performance.now() - loaded,
  };
}

/** Only ask the GPU when it could be used: requesting an adapter can take a while. */
async function hasGpuAdapter(requested: Backend): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (requested === 'wasm' || !gpu) return false;
  return Boolean(await gpu.requestAdapter().catch(() => null));
}

/**
 * Starts onnxruntime on the chosen backend; a WebGPU failure (driver, unsupported kernel) falls back
 * to WASM rather than to no model at all.
 */
async function startRuntime(choice: BackendChoice, model: Uint8Array, bundle: NluBundle, runtimeUrl: string): Promise<ModelRunner & BackendChoice> {
  try {
    const ort = await importRuntime(choice.backend);
    ort.env.wasm.numThreads = 1; // threads need cross-origin isolation and gain nothing at this size
    ort.env.wasm.wasmPaths = runtimeUrl;
    await useCachedRuntime(ort, choice.backend, runtimeUrl);
    const runner = await createOrtRunner(ort, model, bundle.config, {
      executionProviders: choice.backend === 'webgpu' ? ['webgpu', 'wasm'] : ['wasm'],
      // Errors only: WebGPU warns (on the page's console) that shape ops run on the CPU, as intended.
      logSeverityLevel: 3,
    });
    return Object.assign(runner, choice);
  } catch (error) {
    if (choice.backend === 'webgpu') {
      console.warn('[parley] WebGPU could not run the model; using WASM instead.', error);
      return startRuntime({ backend: 'wasm', reason: `WebGPU failed (${String(error)})` }, model, bundle, runtimeUrl);
    }
    if (error instanceof NluFailure) throw error;
    throw new NluFailure({ code: 'runtime-failed', message: `onnxruntime could not start: ${String(error)}` });
  }
}

/** The runtime .wasm files this worker was built with, by name (set by the build; absent from source). */
const RUNTIME_WASM_SHA256: Record<string, string> | null = typeof __PARLEY_ORT_WASM_SHA256__ === 'object' ? __PARLEY_ORT_WASM_SHA256__ : null;

/** Hands onnxruntime the .wasm from the cache (fetched and cached on the first visit). */
async function useCachedRuntime(ort: Ort, backend: 'wasm' | 'webgpu', runtimeUrl: string): Promise<void> {
  const file = RUNTIME_WASM_FILES[backend];
  const sha256 = RUNTIME_WASM_SHA256?.[file];
  if (!sha256 || ort.env.wasm.wasmBinary) return;
  const url = new URL(file, runtimeUrl).href;
  try {
    ort.env.wasm.wasmBinary = (await fetchVerified(url, sha256)).bytes;
  } catch (error) {
    const advice = error instanceof ModelCorruptError ? ': serve the ort/ folder from the same Parley version as parley-nlu-worker.js' : '';
    throw new NluFailure({ code: 'runtime-failed', message: `the language runtime could not be loaded: ${error instanceof Error ? error.message : String(error)}${advice}` });
  }
}

async function answer(request: WorkerRequest): Promise<WorkerResponse> {
  try {
    if (request.type === 'load') return { id: request.id, ok: true, type: 'load', info: await load(request) };
    const context = { now: new Date(request.now), timeZone: request.timeZone, locale: request.locale };
    if (full) return { id: request.id, ok: true, type: 'parse', result: await full.parse(request.text, context) };
    if (light) return { id: request.id, ok: true, type: 'parse', result: light.parse(request.text, context) };
    return { id: request.id, ok: false, error: { code: 'not-loaded', message: 'parse before the model was loaded' } };
  } catch (error) {
    if (error instanceof NluFailure) return { id: request.id, ok: false, error: error.error };
    return { id: request.id, ok: false, error: { code: request.type === 'load' ? 'runtime-failed' : 'parse-failed', message: String(error) } };
  }
}

scope.onmessage = (event) => {
  void answer(event.data).then((response) => scope.postMessage(response));
};
