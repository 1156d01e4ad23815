import { describe, expect, it } from 'vitest';
import { trainDefaults } from '../../train/defaults';
import { chooseBackend, multiplyAddsPerParse, WEBGPU_MIN_MULTIPLY_ADDS } from './backend';
import type { ModelConfig } from '../model-spec';

const parleySized: ModelConfig = {
  ...trainDefaults.model,
  maxTokens: 32,
  vocabSize: 6000,
  pretrainedDim: 100,
  ngramBuckets: 16384,
  ngramsPerToken: 24,
  sparseBuckets: 16384,
  sparseFeatures: 192,
  tokenFeatureBuckets: 16384,
  tokenFeaturesPerToken: 12,
  intents: 150,
  tags: 1,
};
const large: ModelConfig = { ...parleySized, width: 768, ffnWidth: 3072, layers: 12, heads: 12 };

describe('backend choice', () => {
  it('counts the work of a parse: a Parley model is far below the GPU threshold, a BERT-base one above', () => {
    expect(multiplyAddsPerParse(parleySized)).toBeLessThan(WEBGPU_MIN_MULTIPLY_ADDS / 10);
    expect(multiplyAddsPerParse(large)).toBeGreaterThan(WEBGPU_MIN_MULTIPLY_ADDS);
  });

  it('auto: WASM for Parley-sized models even with a GPU; the GPU for large ones', () => {
    expect(chooseBackend('auto', true, parleySized).backend).toBe('wasm');
    expect(chooseBackend('auto', true, large).backend).toBe('webgpu');
    expect(chooseBackend('auto', false, large)).toEqual({ backend: 'wasm', reason: 'no WebGPU adapter' });
  });

  it('an explicit choice wins, and webgpu without an adapter falls back to wasm with the reason', () => {
    expect(chooseBackend('webgpu', true, parleySized).backend).toBe('webgpu');
    expect(chooseBackend('wasm', true, large).backend).toBe('wasm');
    expect(chooseBackend('webgpu', false, parleySized).reason).toMatch(/no WebGPU adapter/);
  });
});
