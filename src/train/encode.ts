/** Examples -> the flat typed arrays the trainer batches from (one featurize() call per example). */
import { tagTokens } from '../nlu/decode';
import type { Featurizer } from '../nlu/featurize';
import type { Example } from './examples';

export interface EncodedExamples {
  count: number;
  tokens: Int32Array;
  mask: Float32Array;
  ngrams: Int32Array;
  sparse: Int32Array;
  tokenFeatures: Int32Array;
  intents: Int32Array;
  tags: Int32Array;
}

export function encodeExamples(
  examples: readonly Example[],
  featurizer: Featurizer,
  labels: readonly string[],
  tags: readonly string[],
): EncodedExamples {
  const { maxTokens: T, ngramsPerToken: K, sparseFeatures: S, tokenFeaturesPerToken: F } = featurizer.config;
  const n = examples.length;
  const encoded: EncodedExamples = {
    count: n,
    tokens: new Int32Array(n * T),
    mask: new Float32Array(n * T),
    ngrams: new Int32Array(n * T * K),
    sparse: new Int32Array(n * S),
    tokenFeatures: new Int32Array(n * T * F),
    intents: new Int32Array(n),
    tags: new Int32Array(n * T),
  };
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  examples.forEach((example, i) => {
    const features = featurizer.featurize(example.text);
    encoded.tokens.set(features.tokens, i * T);
    encoded.mask.set(features.mask, i * T);
    encoded.ngrams.set(features.ngrams, i * T * K);
    encoded.sparse.set(features.sparse, i * S);
    encoded.tokenFeatures.set(features.tokenFeatures, i * T * F);
    encoded.intents[i] = labelIndex.get(example.intent) ?? -1;
    encoded.tags.set(tagTokens(features.spans, example.entities, tags), i * T);
  });
  return encoded;
}

/** Number of real tokens of a row. */
export function rowLength(encoded: EncodedExamples, row: number, T: number): number {
  let length = 0;
  for (let t = 0; t < T; t++) if (encoded.mask[row * T + t]) length = t + 1;
  return length;
}

/**
 * Rows `indices` of an encoded set as a batch, cut to the longest row of the batch (`steps`): short
 * messages then cost short sequences.
 */
export function takeRows(encoded: EncodedExamples, indices: readonly number[], maxT: number, K: number, S: number, F: number) {
  const b = indices.length;
  const T = Math.max(1, ...indices.map((row) => rowLength(encoded, row, maxT)));
  const tokens = new Int32Array(b * T);
  const mask = new Float32Array(b * T);
  const ngrams = new Int32Array(b * T * K);
  const sparse = new Int32Array(b * S);
  const tokenFeatures = new Int32Array(b * T * F);
  const intents = new Int32Array(b);
  const tags = new Int32Array(b * T);
  indices.forEach((row, i) => {
    tokens.set(encoded.tokens.subarray(row * maxT, row * maxT + T), i * T);
    mask.set(encoded.mask.subarray(row * maxT, row * maxT + T), i * T);
    ngrams.set(encoded.ngrams.subarray(row * maxT * K, (row * maxT + T) * K), i * T * K);
    sparse.set(encoded.sparse.subarray(row * S, (row + 1) * S), i * S);
    tokenFeatures.set(encoded.tokenFeatures.subarray(row * maxT * F, (row * maxT + T) * F), i * T * F);
    intents[i] = encoded.intents[row]!;
    tags.set(encoded.tags.subarray(row * maxT, row * maxT + T), i * T);
  });
  return { steps: T, tokens, mask, ngrams, sparse, tokenFeatures, intents, tags };
}
