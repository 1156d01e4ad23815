import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactHashedTables } from '../train/export/compact-tables';
import { randomWeights, SMALL_CONFIG } from '../train/export/fixtures';
import { parseNluBundle, NLU_BUNDLE_FORMAT } from './bundle';
import { PAD_TOKEN, UNKNOWN_TOKEN, type FeaturizerConfig } from './featurize';
import { bitsetOf, keptRowCount, rowsOfBuckets } from './kept-rows';

describe('kept-rows bitsets', () => {
  it('map kept buckets to rows 1, 2, ... in bucket order and the rest to the padding row', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.func(fc.boolean()), (buckets, keep) => {
        const kept = (bucket: number) => keep(bucket);
        const rows = rowsOfBuckets(bitsetOf(kept, buckets), buckets);
        const expected = Array.from({ length: buckets }, () => 0);
        let next = 1;
        for (let bucket = 1; bucket < buckets; bucket++) if (kept(bucket)) expected[bucket] = next++;
        expect(Array.from(rows)).toEqual(expected);
        expect(keptRowCount(bitsetOf(kept, buckets), buckets)).toBe(next);
      }),
    );
  });

  it('refuse a bitset made for another number of buckets', () => {
    expect(() => rowsOfBuckets(bitsetOf(() => true, 64), 100)).toThrow('a kept-rows bitset of 8 bytes for 100 buckets');
  });
});

describe('compactHashedTables', () => {
  const featurizer: FeaturizerConfig = {
    maxTokens: SMALL_CONFIG.maxTokens,
    ngramSizes: [3],
    ngramsPerToken: SMALL_CONFIG.ngramsPerToken,
    ngramBuckets: SMALL_CONFIG.ngramBuckets,
    sparseFeatures: SMALL_CONFIG.sparseFeatures,
    sparseBuckets: SMALL_CONFIG.sparseBuckets,
    sparseCharSizes: [3],
    tokenFeaturesPerToken: SMALL_CONFIG.tokenFeaturesPerToken,
    tokenFeatureBuckets: SMALL_CONFIG.tokenFeatureBuckets,
    vocabulary: [PAD_TOKEN, UNKNOWN_TOKEN, ...Array.from({ length: SMALL_CONFIG.vocabSize - 2 }, (_, i) => `w${i}`)],
  };
  const weights = randomWeights(SMALL_CONFIG, 3);
  // Training moved rows 1-9 of the n-gram table only; the sparse tables moved every row.
  const ngrams = weights['embed.ngram']!;
  ngrams.fill(0, 10 * SMALL_CONFIG.width);

  it('keeps the rows that moved, in order, and leaves whole tables alone', () => {
    const compact = compactHashedTables({ config: SMALL_CONFIG, featurizer, weights });
    expect(compact.config.ngramBuckets).toBe(10);
    expect(Array.from(compact.weights['embed.ngram']!)).toEqual(Array.from(ngrams.subarray(0, 10 * SMALL_CONFIG.width)));
    expect(compact.featurizer.keptRows).toEqual({ ngrams: bitsetOf((bucket) => bucket < 10, SMALL_CONFIG.ngramBuckets) });
    expect(compact.config.sparseBuckets).toBe(SMALL_CONFIG.sparseBuckets);
    expect(compact.weights['intent.sparse']).toBe(weights['intent.sparse']);
    expect(() => compactHashedTables(compact)).toThrow('compacted already');
  });

  it('writes what the bundle check accepts, and the check names a bitset that does not fit', () => {
    const compact = compactHashedTables({ config: SMALL_CONFIG, featurizer, weights });
    const bundle = {
      format: NLU_BUNDLE_FORMAT,
      model: { file: 'model.onnx', bytes: 1, sha256: '0'.repeat(64), quantized: true },
      config: compact.config,
      featurizer: compact.featurizer,
      labels: Array.from({ length: SMALL_CONFIG.intents }, (_, i) => `intent${i}`),
      tags: ['O', 'B-a', 'I-a', 'B-b', 'I-b'],
      transitions: null,
      temperature: 1,
      threshold: 0,
      outOfScopeLabel: null,
    };
    expect(parseNluBundle(bundle, 'bot.json nlu').ok).toBe(true);
    expect(parseNluBundle({ ...bundle, format: 2, featurizer }, 'bot.json nlu')).toEqual({
      ok: false,
      problems: ['bot.json nlu: config.ngramBuckets: 10 rows for 50 featurizer buckets and no featurizer.keptRows.ngrams'],
    });
    const otherBitset = { ...compact.featurizer, keptRows: { ngrams: bitsetOf((bucket) => bucket < 5, SMALL_CONFIG.ngramBuckets) } };
    expect(parseNluBundle({ ...bundle, featurizer: otherBitset }, 'bot.json nlu')).toEqual({
      ok: false,
      problems: ['bot.json nlu: featurizer.keptRows.ngrams: 5 rows, but config.ngramBuckets is 10'],
    });
    const shortBitset = { ...compact.featurizer, keptRows: { ngrams: bitsetOf(() => true, 8) } };
    expect(parseNluBundle({ ...bundle, featurizer: shortBitset }, 'bot.json nlu')).toEqual({
      ok: false,
      problems: ['bot.json nlu: featurizer.keptRows.ngrams: a kept-rows bitset of 1 bytes for 50 buckets, but config.ngramBuckets is 10'],
    });
  });
});
