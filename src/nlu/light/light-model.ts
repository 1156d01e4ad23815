/**
 * The light stage's model: a linear model over the featurizer's hashed sentence features (words, word
 * pairs, character n-grams), int8 weights with one scale per intent. Plain JavaScript evaluates it in
 * well under a millisecond, so the worker answers with it as soon as bot.json has arrived, while
 * onnxruntime and the transformer load behind it.
 *
 *   logits[c] = bias[c] + scale[c] * sum_f weight[row(f), c] / sqrt(features)
 *
 * `row(f)` maps a hash bucket to its row of the compacted table (kept-rows.ts); a bucket training never
 * reached maps to row 0, which is all zeros.
 */
import type { Featurizer } from '../featurize';
import { bytesOfBase64, rowsOfBuckets } from '../kept-rows';

export interface LightStageBundle {
  /** Hash buckets of the sentence features (the table before compaction). */
  buckets: number;
  /** Base64 bitset over `buckets`: the rows the table kept. */
  keptRows: string;
  /** Base64 int8 weights, row-major [kept rows + 1, intents]; row 0 is the zero padding row. */
  weights: string;
  /** Per intent: weight = int8 * scale. */
  scales: number[];
  bias: number[];
  /** Softmax temperature and out-of-scope threshold, calibrated on held-out examples like the full model's. */
  temperature: number;
  threshold: number;
}

export interface LightModel {
  readonly intents: number;
  /** Raw logits (before the temperature), in label order. */
  logits(text: string): Float32Array;
}

export function createLightModel(bundle: LightStageBundle, featurizer: Featurizer): LightModel {
  const intents = bundle.bias.length;
  const rows = rowsOfBuckets(bundle.keptRows, bundle.buckets);
  const weights = new Int8Array(bytesOfBase64(bundle.weights).buffer);
  let rowCount = 0;
  for (const row of rows) rowCount = Math.max(rowCount, row);
  if (bundle.scales.length !== intents) throw new Error(`the light stage has ${bundle.scales.length} scales for ${intents} intents`);
  if (weights.length !== (rowCount + 1) * intents) throw new Error(`the light stage has ${weights.length} weights for ${rowCount + 1} rows of ${intents} intents`);
  return {
    intents,
    logits(text) {
      const features = featurizer.sentenceBuckets(text, bundle.buckets);
      const sums = new Float32Array(intents);
      for (const bucket of features) {
        const row = rows[bucket]!;
        if (row === 0) continue;
        const offset = row * intents;
        for (let c = 0; c < intents; c++) sums[c]! += weights[offset + c]!;
      }
      const norm = features.length > 0 ? 1 / Math.sqrt(features.length) : 0;
      const logits = new Float32Array(intents);
      for (let c = 0; c < intents; c++) logits[c] = bundle.bias[c]! + bundle.scales[c]! * sums[c]! * norm;
      return logits;
    },
  };
}
