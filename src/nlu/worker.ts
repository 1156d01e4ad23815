/**
 * The NLU Web Worker: loads the bot bundle and its ONNX model into onnxruntime-web (WASM, one thread),
 * warms the session with one inference, then answers parse requests. Every failure is answered with an
 * error value naming what failed; the worker never goes silent.
 */
import * as ort from 'onnxruntime-web/wasm';
import { parseNluBundle, type NluBundle } from './bundle';
import { createExtractors, type ExtractorsDefinition } from './extractors';
import { fetchModel, ModelCorruptError } from './model-cache';
import { createOrtRunner } from './model-runner';
import { createParser, type Parser } from './parse';
import type { LoadInfo, LoadRequest, NluError, WorkerRequest, WorkerResponse } from './protocol';

interface BotFile {
  nlu?: unknown;
  extractors?: ExtractorsDefinition;
}

let parser: Parser | null = null;

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
    model = await fetchModel(modelUrl, bundle.model.sha256);
  } catch (error) {
    const code = error instanceof ModelCorruptError ? 'model-corrupt' : 'model-fetch-failed';
    throw new NluFailure({ code, message: error instanceof Error ? error.message : String(error) });
  }

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
