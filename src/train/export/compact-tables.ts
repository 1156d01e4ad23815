/**
 * Drops the all-zero rows of the hashed feature tables before export (see src/nlu/kept-rows.ts):
 * they start at zero and only the buckets a training example reached move, so a small bot ships a
 * fraction of them. The model computes the same logits: a dropped bucket maps to the zero padding row.
 */
import type { FeaturizerConfig } from '../../nlu/featurize';
import { bitsetOf, HASHED_TABLES, type KeptRows } from '../../nlu/kept-rows';
import type { ModelConfig, Weights } from '../../nlu/model-spec';

export interface CompactModel {
  config: ModelConfig;
  featurizer: FeaturizerConfig;
  weights: Weights;
}

export function compactHashedTables(model: CompactModel): CompactModel {
  if (model.featurizer.keptRows) throw new Error('the hashed tables are compacted already');
  const config = { ...model.config };
  const weights = { ...model.weights };
  const keptRows: KeptRows = {};
  for (const table of HASHED_TABLES) {
    const buckets = model.featurizer[table.rows];
    const values = model.weights[table.weight];
    if (!values || config[table.rows] !== buckets) throw new Error(`${table.weight} does not have the featurizer's ${buckets} rows`);
    const columns = values.length / buckets;
    const kept: number[] = [];
    for (let bucket = 1; bucket < buckets; bucket++) {
      if (values.subarray(bucket * columns, (bucket + 1) * columns).some((value) => value !== 0)) kept.push(bucket);
    }
    if (kept.length === buckets - 1) continue;
    const compact = new Float32Array((kept.length + 1) * columns);
    kept.forEach((bucket, i) => compact.set(values.subarray(bucket * columns, (bucket + 1) * columns), (i + 1) * columns));
    weights[table.weight] = compact;
    config[table.rows] = kept.length + 1;
    const keptSet = new Set(kept);
    keptRows[table.kept] = bitsetOf((bucket) => keptSet.has(bucket), buckets);
  }
  const featurizer = Object.keys(keptRows).length > 0 ? { ...model.featurizer, keptRows } : model.featurizer;
  return { config, featurizer, weights };
}

/**
 * Orders the vocabulary so that the words whose learned row training moved come first (after the two
 * placeholders), the others keeping their order: the exporter's `split` token table then stores the
 * folded 128-wide rows for those words only (see trainedTokenRows). The featurizer maps the same words
 * to the same rows, so the logits do not change. The bot's own words come first already; the words this
 * moves up are general words a typo copy or an entity swap happened to produce.
 */
export function trainedWordsFirst(model: CompactModel): CompactModel {
  const { vocabSize: V, pretrainedDim: P, width: W } = model.config;
  const vocab = model.weights['embed.vocab']!;
  const pretrained = model.weights['embed.pretrained']!;
  const moved = (v: number) => vocab.subarray(v * W, (v + 1) * W).some((value) => value !== 0);
  const rest = Array.from({ length: V - 2 }, (_, i) => i + 2);
  const order = [0, 1, ...rest.filter(moved), ...rest.filter((v) => !moved(v))];
  if (order.every((v, i) => v === i)) return model;
  const permuted = (table: Float32Array, cols: number) => {
    const out = new Float32Array(table.length);
    order.forEach((v, i) => out.set(table.subarray(v * cols, (v + 1) * cols), i * cols));
    return out;
  };
  return {
    config: model.config,
    featurizer: { ...model.featurizer, vocabulary: order.map((v) => model.featurizer.vocabulary[v]!) },
    weights: { ...model.weights, 'embed.vocab': permuted(vocab, W), 'embed.pretrained': permuted(pretrained, P) },
  };
}
