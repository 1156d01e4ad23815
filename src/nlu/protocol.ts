/** Messages between the main thread and the NLU worker: typed, with ids; errors cross as values. */
import type { ParseResult } from './parse';

export type Backend = 'auto' | 'wasm' | 'webgpu';

export interface LoadRequest {
  id: number;
  type: 'load';
  /** Absolute URL of the bot bundle's bot.json. */
  botUrl: string;
  /** Absolute URL of the folder holding onnxruntime's .wasm and .mjs files. */
  runtimeUrl: string;
  backend: Backend;
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

export interface LoadInfo {
  backend: 'wasm' | 'webgpu';
  /** Why that backend (see backend.ts). */
  backendReason: string;
  modelBytes: number;
  /** Whether the model bytes came from the cache of an earlier visit. */
  fromCache: boolean;
  loadMs: number;
  warmupMs: number;
}

export type NluErrorCode = 'bundle-invalid' | 'model-fetch-failed' | 'model-corrupt' | 'runtime-failed' | 'not-loaded' | 'parse-failed';

export interface NluError {
  code: NluErrorCode;
  message: string;
}

export type WorkerResponse =
  | { id: number; ok: true; type: 'load'; info: LoadInfo }
  | { id: number; ok: true; type: 'parse'; result: ParseResult }
  | { id: number; ok: false; error: NluError };
