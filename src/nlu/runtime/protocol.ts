/** Messages between the main thread and the NLU worker: typed, with ids; errors cross as values. */
import type { ParseResult, Stage } from '../parse';

export type Backend = 'auto' | 'wasm' | 'webgpu';

/**
 * What a visitor's browser loads: 'both' answers with the light stage at once and hands over to the
 * full model once it is warm (each in a worker of its own, see client.ts); 'light' never fetches
 * onnxruntime or the model; 'full' waits for the model and lets it answer every message (see
 * stage-policy.ts for who decides).
 */
export type Stages = 'both' | 'light' | 'full';

export interface LoadRequest {
  id: number;
  type: 'load';
  /** Absolute URL of the bot bundle's bot.json. */
  botUrl: string;
  /** Absolute URL of the folder holding onnxruntime's .wasm and .mjs files. */
  runtimeUrl: string;
  backend: Backend;
  /** The stage this worker loads and answers with. */
  stage: Stage;
  /** A 'light' load of a bundle without a light stage (one from before format 4) loads the full one instead. */
  fullIfNoLight?: boolean;
}

export interface ParseRequest {
  id: number;
  type: 'parse';
  text: string;
  timeZone: string;
  locale: string;
  /** Epoch ms; relative dates are resolved against it. */
  now: number;
}

export type WorkerRequest = LoadRequest | ParseRequest;

/** The full model is warm: onnxruntime's backend, bytes, and how long it took. */
export interface LoadInfo {
  stage: 'full';
  backend: 'wasm' | 'webgpu';
  /** Why that backend (see backend.ts). */
  backendReason: string;
  modelBytes: number;
  /** Whether the model bytes came from the cache of an earlier visit. */
  fromCache: boolean;
  loadMs: number;
  warmupMs: number;
}

/** The light stage can answer. */
export interface LightLoadInfo {
  stage: 'light';
  /** From the load request to the light stage's first answer. */
  loadMs: number;
}

/** Whichever stage answers first. */
export type StageInfo = LightLoadInfo | LoadInfo;

export type NluErrorCode = 'bundle-invalid' | 'model-fetch-failed' | 'model-corrupt' | 'runtime-failed' | 'not-loaded' | 'parse-failed';

export interface NluError {
  code: NluErrorCode;
  message: string;
}

export type WorkerResponse =
  | { id: number; ok: true; type: 'load'; info: StageInfo }
  | { id: number; ok: true; type: 'parse'; result: ParseResult }
  | { id: number; ok: false; error: NluError };
