/**
 * The featurizer: ONE module for the trainer and the runtime, so the model sees exactly the same
 * features at train time and in the visitor's browser. A short pipeline of named steps:
 *   tokenize -> token ids (vocabulary) -> shape and character n-grams per token -> sentence features
 */
import { PAD_ID, UNKNOWN_ID } from './model-spec';
import { bucketOf } from './hash';
import { rowsOfBuckets, type KeptRows } from './kept-rows';
import { tokenShape, tokenize, type Token } from './tokenize';

export interface FeaturizerConfig {
  /** Tokens per sequence; longer messages are cut (the intent is almost always in the first words). */
  maxTokens: number;
  /** Character n-gram sizes of each token, wrapped in < and >, hashed into `ngramBuckets`. */
  ngramSizes: readonly number[];
  ngramsPerToken: number;
  ngramBuckets: number;
  /** Sentence features for the sparse path: words, word pairs and character n-grams across words. */
  sparseFeatures: number;
  sparseBuckets: number;
  sparseCharSizes: readonly number[];
  /** Per-token context features for the entity head's sparse path. */
  tokenFeaturesPerToken: number;
  tokenFeatureBuckets: number;
  /** Index = token id; entries 0 and 1 are the padding and unknown placeholders. */
  vocabulary: readonly string[];
  /** The hashed tables the bundle compacted to the rows training moved (see kept-rows.ts). */
  keptRows?: KeptRows;
}

export interface Features {
  tokens: Int32Array;
  mask: Float32Array;
  ngrams: Int32Array;
  sparse: Int32Array;
  tokenFeatures: Int32Array;
  /** The tokens that made it into the sequence (at most maxTokens), with their offsets. */
  spans: Token[];
}

export interface Featurizer {
  readonly config: FeaturizerConfig;
  featurize(text: string): Features;
  tokenId(norm: string): number;
  /**
   * The sentence features of `text` (the sparse path's: words, word pairs, character n-grams) hashed
   * into a table of `buckets` rows, before any compaction: the light stage's own table.
   */
  sentenceBuckets(text: string, buckets: number): number[];
}

export const PAD_TOKEN = '<pad>';
export const UNKNOWN_TOKEN = '<unk>';

export function createFeaturizer(config: FeaturizerConfig): Featurizer {
  if (config.vocabulary[PAD_ID] !== PAD_TOKEN || config.vocabulary[UNKNOWN_ID] !== UNKNOWN_TOKEN) {
    throw new Error(`the vocabulary must start with "${PAD_TOKEN}" and "${UNKNOWN_TOKEN}"`);
  }
  const ids = new Map<string, number>();
  config.vocabulary.forEach((word, id) => {
    if (id > UNKNOWN_ID) ids.set(word, id);
  });
  const tokenId = (norm: string) => ids.get(norm) ?? UNKNOWN_ID;
  // Buckets are chosen exactly as for the whole tables, then mapped to their rows: the same features.
  const rowMap = (bitset: string | undefined, buckets: number) => {
    if (bitset === undefined) return (features: number[]) => features;
    const rows = rowsOfBuckets(bitset, buckets);
    return (features: number[]) => features.map((bucket) => rows[bucket]!);
  };
  const ngramRows = rowMap(config.keptRows?.ngrams, config.ngramBuckets);
  const sparseRows = rowMap(config.keptRows?.sparse, config.sparseBuckets);
  const tokenFeatureRows = rowMap(config.keptRows?.tokenFeatures, config.tokenFeatureBuckets);

  function tokenNgrams(norm: string, raw: string): number[] {
    const wrapped = `<${norm}>`;
    const buckets: number[] = [bucketOf(`shape:${tokenShape(raw)}`, config.ngramBuckets)];
    for (const n of config.ngramSizes) {
      for (let i = 0; i + n <= wrapped.length && buckets.length < config.ngramsPerToken; i++) {
        buckets.push(bucketOf(`c${n}:${wrapped.slice(i, i + n)}`, config.ngramBuckets));
      }
    }
    return buckets;
  }

  function sentenceFeatures(words: readonly string[], buckets: number): number[] {
    const seen = new Set<number>();
    const add = (feature: string) => {
      if (seen.size < config.sparseFeatures) seen.add(bucketOf(feature, buckets));
    };
    // Most telling first, so a cut on long messages drops the weakest features.
    for (const word of words) add(`w:${word}`);
    for (let i = 0; i + 1 < words.length; i++) add(`b:${words[i]} ${words[i + 1]}`);
    const sentence = ` ${words.join(' ')} `;
    for (const n of config.sparseCharSizes) {
      for (let i = 0; i + n <= sentence.length; i++) add(`s${n}:${sentence.slice(i, i + n)}`);
    }
    return [...seen];
  }

  /** What a CRF's feature templates look at: the word, its neighbours, pairs, shapes and affixes. */
  function contextFeatures(words: readonly string[], shapes: readonly string[], t: number): number[] {
    const word = (i: number) => (i < 0 ? '<s>' : i >= words.length ? '</s>' : words[i]!);
    const shape = (i: number) => (i < 0 || i >= shapes.length ? '-' : shapes[i]!);
    const w = word(t);
    const features = [
      `w:${w}`,
      `w-1:${word(t - 1)}`,
      `w+1:${word(t + 1)}`,
      `w-2:${word(t - 2)}`,
      `w+2:${word(t + 2)}`,
      `b-1:${word(t - 1)} ${w}`,
      `b+1:${w} ${word(t + 1)}`,
      `sh:${shape(t - 1)} ${shape(t)} ${shape(t + 1)}`,
      `p3:${w.slice(0, 3)}`,
      `s3:${w.slice(-3)}`,
      `s2:${w.slice(-2)}`,
      `b-2:${word(t - 2)} ${word(t - 1)}`,
    ];
    return features.slice(0, config.tokenFeaturesPerToken).map((feature) => bucketOf(feature, config.tokenFeatureBuckets));
  }

  return {
    config,
    tokenId,
    sentenceBuckets: (text, buckets) => sentenceFeatures(tokenize(text, config.maxTokens).map((span) => span.norm), buckets),
    featurize(text) {
      const { maxTokens, ngramsPerToken, sparseFeatures } = config;
      const spans = tokenize(text, maxTokens);
      const tokens = new Int32Array(maxTokens);
      const mask = new Float32Array(maxTokens);
      const ngrams = new Int32Array(maxTokens * ngramsPerToken);
      const words = spans.map((span) => span.norm);
      const shapes = spans.map((span) => tokenShape(text.slice(span.start, span.end)));
      const F = config.tokenFeaturesPerToken;
      const tokenFeatures = new Int32Array(maxTokens * F);
      spans.forEach((span, t) => {
        tokenFeatures.set(tokenFeatureRows(contextFeatures(words, shapes, t)), t * F);
        tokens[t] = tokenId(span.norm);
        mask[t] = 1;
        ngrams.set(ngramRows(tokenNgrams(span.norm, text.slice(span.start, span.end))), t * ngramsPerToken);
      });
      const sparse = new Int32Array(sparseFeatures);
      sparse.set(sparseRows(sentenceFeatures(words, config.sparseBuckets)));
      return { tokens, mask, ngrams, sparse, tokenFeatures, spans };
    },
  };
}
