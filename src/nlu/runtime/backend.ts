/**
 * Which onnxruntime backend runs the model. WebGPU pays a fixed cost per kernel launch and per read
 * back of the outputs; WASM pays per multiply-add. A Parley model (about 9M multiply-adds per parse)
 * answers in well under a millisecond on WASM, less than WebGPU's fixed cost alone, so `auto` keeps
 * WASM for models of that size and only moves to the GPU when a model is big enough to win there.
 */
import type { Backend } from './protocol';
import type { ModelConfig } from '../model-spec';

/** Below this many multiply-adds per parse, WASM answers before a GPU round trip would. */
export const WEBGPU_MIN_MULTIPLY_ADDS = 200e6;

/** Multiply-adds of one parse: the encoder's projections, attention and feed-forward layers. */
export function multiplyAddsPerParse(config: ModelConfig): number {
  const { maxTokens: T, width: W, ffnWidth: F, layers, intents, tags } = config;
  const perLayer = T * (4 * W * W + 2 * W * F) + 2 * T * T * W;
  return T * config.pretrainedDim * W + layers * perLayer + W * intents + T * W * tags;
}

export interface BackendChoice {
  backend: 'wasm' | 'webgpu';
  /** Why, for the load info and the console. */
  reason: string;
}

export function chooseBackend(requested: Backend, gpuAvailable: boolean, config: ModelConfig): BackendChoice {
  if (requested === 'wasm') return { backend: 'wasm', reason: 'asked for wasm' };
  if (!gpuAvailable) return { backend: 'wasm', reason: requested === 'webgpu' ? 'asked for webgpu, but this browser has no WebGPU adapter' : 'no WebGPU adapter' };
  if (requested === 'webgpu') return { backend: 'webgpu', reason: 'asked for webgpu' };
  const work = multiplyAddsPerParse(config);
  return work >= WEBGPU_MIN_MULTIPLY_ADDS
    ? { backend: 'webgpu', reason: `${(work / 1e6).toFixed(0)}M multiply-adds per parse: faster on the GPU` }
    : { backend: 'wasm', reason: `${(work / 1e6).toFixed(0)}M multiply-adds per parse: faster on WASM than a GPU round trip` };
}
