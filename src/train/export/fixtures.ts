/** Seeded random configs, weights and batches for the exporter's tests. */
import { PAD_ID, weightShapes, type ModelConfig, type Weights } from '../../nlu/model-spec';
import { seededRandom, type Random } from '../random';
import type { ForwardInputs } from './reference-forward';

export const SMALL_CONFIG: ModelConfig = {
  maxTokens: 8,
  vocabSize: 60,
  pretrainedDim: 12,
  ngramBuckets: 50,
  ngramsPerToken: 3,
  sparseBuckets: 40,
  sparseFeatures: 6,
  tokenFeatureBuckets: 30,
  tokenFeaturesPerToken: 4,
  width: 16,
  layers: 2,
  heads: 2,
  ffnWidth: 32,
  intents: 5,
  tags: 5,
};

/** Embeddings dominate the size, as in the shipped model. */
export const EMBEDDING_HEAVY_CONFIG: ModelConfig = {
  ...SMALL_CONFIG,
  maxTokens: 12,
  vocabSize: 2000,
  pretrainedDim: 50,
  ngramBuckets: 2000,
  sparseBuckets: 2000,
  tokenFeatureBuckets: 500,
  width: 32,
  heads: 4,
  ffnWidth: 64,
  tags: 7,
};

const PADDED_TABLES = ['embed.pretrained', 'embed.vocab', 'embed.ngram', 'intent.sparse', 'entity.sparse'];

export function normal(random: Random): number {
  // Box-Muller; 1 - u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Weights with standard deviation `std`, norms near (1, 0), and zero padding rows. */
export function randomWeights(config: ModelConfig, seed: number, std = 0.1): Weights {
  const random = seededRandom(seed);
  const weights: Weights = {};
  for (const [name, shape] of weightShapes(config)) {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => std * normal(random));
    if (name.endsWith('.gamma')) values.forEach((value, i) => (values[i] = 1 + value));
    if (PADDED_TABLES.includes(name)) values.fill(0, 0, shape[1]);
    weights[name] = values;
  }
  return weights;
}

/**
 * A batch whose sequence i uses `masks[i]` (1 = real token). Real tokens get ids >= 1 and a few
 * n-grams; padded tokens get PAD_ID everywhere; sparse features have some empty slots.
 */
export function batchWithMasks(config: ModelConfig, masks: number[][], seed: number): ForwardInputs {
  const random = seededRandom(seed);
  const { maxTokens: T, ngramsPerToken: K, sparseFeatures: S, tokenFeaturesPerToken: F } = config;
  const id = (size: number) => 1 + Math.floor(random() * (size - 1));
  const batch = masks.length;
  const inputs: ForwardInputs = {
    tokens: new Int32Array(batch * T),
    mask: new Float32Array(batch * T),
    ngrams: new Int32Array(batch * T * K),
    sparse: new Int32Array(batch * S),
    tokenFeatures: new Int32Array(batch * T * F),
    batch,
  };
  masks.forEach((mask, b) => {
    if (mask.length !== T) throw new Error(`mask ${b} has ${mask.length} entries, expected ${T}`);
    mask.forEach((real, t) => {
      if (!real) return;
      inputs.mask[b * T + t] = 1;
      inputs.tokens[b * T + t] = id(config.vocabSize);
      for (let k = 0; k < K; k++) inputs.ngrams[(b * T + t) * K + k] = random() < 0.8 ? id(config.ngramBuckets) : PAD_ID;
      for (let f = 0; f < F; f++) inputs.tokenFeatures[(b * T + t) * F + f] = random() < 0.9 ? id(config.tokenFeatureBuckets) : PAD_ID;
    });
    for (let s = 0; s < S; s++) inputs.sparse[b * S + s] = random() < 0.7 ? id(config.sparseBuckets) : PAD_ID;
  });
  return inputs;
}

/** `batch` sequences of random length 1..T, left-aligned like the featurizer's output. */
export function randomBatch(config: ModelConfig, batch: number, seed: number): ForwardInputs {
  const random = seededRandom(seed ^ 0x5eed);
  const T = config.maxTokens;
  const masks = Array.from({ length: batch }, () => {
    const length = 1 + Math.floor(random() * T);
    return Array.from({ length: T }, (_, t) => (t < length ? 1 : 0));
  });
  return batchWithMasks(config, masks, seed);
}

/** Sequence b of a batch, as a batch of one. */
export function sequenceOf(config: ModelConfig, inputs: ForwardInputs, b: number): ForwardInputs {
  const { maxTokens: T, ngramsPerToken: K, sparseFeatures: S, tokenFeaturesPerToken: F } = config;
  return {
    tokens: inputs.tokens.slice(b * T, (b + 1) * T),
    mask: inputs.mask.slice(b * T, (b + 1) * T),
    ngrams: inputs.ngrams.slice(b * T * K, (b + 1) * T * K),
    sparse: inputs.sparse.slice(b * S, (b + 1) * S),
    tokenFeatures: inputs.tokenFeatures.slice(b * T * F, (b + 1) * T * F),
    batch: 1,
  };
}
