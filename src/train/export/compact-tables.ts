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
