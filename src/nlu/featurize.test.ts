import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFeaturizer, PAD_TOKEN, UNKNOWN_TOKEN, type FeaturizerConfig } from './featurize';
import { bitsetOf, rowsOfBuckets } from './kept-rows';
import { tokenShape, tokenize } from './tokenize';

const config: FeaturizerConfig = {
  maxTokens: 8,
  ngramSizes: [3, 4],
  ngramsPerToken: 6,
  ngramBuckets: 101,
  sparseFeatures: 20,
  sparseBuckets: 211,
  sparseCharSizes: [3],
  tokenFeaturesPerToken: 12,
  tokenFeatureBuckets: 97,
  vocabulary: [PAD_TOKEN, UNKNOWN_TOKEN, 'where', 'is', 'my', 'order', "don't"],
};

describe('tokenize', () => {
  it('keeps offsets into the original text while normalising the token text', () => {
    const text = 'Where’s  my ORDER #A12345?';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.norm)).toEqual(['where', "'s", 'my', 'order', '#', 'a12345', '?']);
    for (const token of tokens) expect(text.slice(token.start, token.end).length).toBeGreaterThan(0);
    expect(text.slice(tokens[5]!.start, tokens[5]!.end)).toBe('A12345');
  });

  it('splits English clitics off, as the pretrained vocabulary does', () => {
    const text = "Miyazaki's songs, I don't know";
    expect(tokenize(text).map((t) => text.slice(t.start, t.end))).toEqual(['Miyazaki', "'s", 'songs', ',', 'I', 'do', "n't", 'know']);
  });

  it('tells the shape of a token as typed', () => {
    expect(['Paris', 'NASA', 'paris', '2024', 'A12345', '?', 'I'].map(tokenShape)).toEqual(['Xx', 'X', 'x', 'd', 'dx', 'o', 'Xx']);
  });

  it('treats zero-width characters as part of a word, and emoji as tokens', () => {
    expect(tokenize('pass\u200bword 👍🏽 ok').map((t) => t.norm)).toEqual(['password', '👍🏽', 'ok']);
  });

  it('handles right-to-left and other scripts', () => {
    expect(tokenize('שלום עולם').map((t) => t.norm)).toEqual(['שלום', 'עולם']);
    expect(tokenize('注文はどこ').length).toBeGreaterThan(0);
  });

  it('stops at the token limit', () => {
    expect(tokenize('a '.repeat(5000), 10)).toHaveLength(10);
  });
});

describe('featurize', () => {
  const featurizer = createFeaturizer(config);

  it('maps known words to their ids, others to unknown, and pads the rest', () => {
    const features = featurizer.featurize('Where is my parcel');
    expect([...features.tokens]).toEqual([2, 3, 4, 1, 0, 0, 0, 0]);
    expect([...features.mask]).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(features.ngrams.slice(4 * 6).every((id) => id === 0)).toBe(true);
    expect(features.ngrams.slice(0, 6).every((id) => id > 0 && id < 101)).toBe(true);
    expect(features.sparse.some((id) => id > 0)).toBe(true);
  });

  it('gives a misspelt word n-grams that overlap the right spelling', () => {
    const right = new Set(featurizer.featurize('order').ngrams.filter((id) => id > 0));
    const typo = featurizer.featurize('ordre').ngrams.filter((id) => id > 0);
    expect(typo.some((id) => right.has(id))).toBe(true);
  });

  it('is deterministic and never fails, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const a = featurizer.featurize(text);
        const b = featurizer.featurize(text);
        expect(a).toEqual(b);
        expect(a.spans.length).toBeLessThanOrEqual(config.maxTokens);
        for (const span of a.spans) expect(span.start < span.end && span.end <= text.length).toBe(true);
        for (const id of a.tokens) expect(id >= 0 && id < config.vocabulary.length).toBe(true);
        for (const id of a.ngrams) expect(id >= 0 && id < config.ngramBuckets).toBe(true);
        for (const id of a.sparse) expect(id >= 0 && id < config.sparseBuckets).toBe(true);
        for (const id of featurizer.sentenceBuckets(text, 97)) expect(id >= 1 && id < 97).toBe(true);
      }),
      { numRuns: 300 },
    );
    // 300 random texts take about 5 s on a busy 2-core machine: the limit is for a hang, not for speed.
  }, 60_000);

  it('rejects a vocabulary without its placeholders', () => {
    expect(() => createFeaturizer({ ...config, vocabulary: ['a', 'b'] })).toThrow(/must start with "<pad>"/);
  });
});

describe('a featurizer with compacted tables', () => {
  it('gives each feature the row of its bucket, after choosing the same buckets as the whole tables', () => {
    const keep = (bucket: number) => bucket % 3 !== 0;
    const keptRows = { ngrams: bitsetOf(keep, config.ngramBuckets), sparse: bitsetOf(keep, config.sparseBuckets), tokenFeatures: bitsetOf(keep, config.tokenFeatureBuckets) };
    const whole = createFeaturizer(config);
    const compact = createFeaturizer({ ...config, keptRows });
    const maps = { ngrams: rowsOfBuckets(keptRows.ngrams, config.ngramBuckets), sparse: rowsOfBuckets(keptRows.sparse, config.sparseBuckets), tokenFeatures: rowsOfBuckets(keptRows.tokenFeatures, config.tokenFeatureBuckets) };
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('where is my order A12345', 'x '.repeat(50))), (text) => {
        const [a, b] = [whole.featurize(text), compact.featurize(text)];
        expect(Array.from(b.tokens)).toEqual(Array.from(a.tokens));
        expect(Array.from(b.ngrams)).toEqual(Array.from(a.ngrams, (bucket) => maps.ngrams[bucket]));
        expect(Array.from(b.sparse)).toEqual(Array.from(a.sparse, (bucket) => maps.sparse[bucket]));
        expect(Array.from(b.tokenFeatures)).toEqual(Array.from(a.tokenFeatures, (bucket) => maps.tokenFeatures[bucket]));
      }),
    );
  });
});
