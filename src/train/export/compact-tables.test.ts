import { describe, expect, it } from 'vitest';
import type { FeaturizerConfig } from '../../nlu/featurize';
import { trainedWordsFirst } from './compact-tables';
import { randomBatch, randomWeights, SMALL_CONFIG } from './fixtures';
import { trainedTokenRows } from './onnx-graph';
import { referenceForward } from './reference-forward';
import { maxAbsDiff } from './run-onnx';

describe('trainedWordsFirst', () => {
  const config = SMALL_CONFIG;
  const W = config.width;
  const weights = randomWeights(config, 71);
  // Words 10-39 and 45 kept a zero learned row (general words no example used).
  const unmoved = new Set([...Array.from({ length: 30 }, (_, i) => 10 + i), 45]);
  for (const v of unmoved) weights['embed.vocab']!.fill(0, v * W, (v + 1) * W);
  const vocabulary = ['<pad>', '<unk>', ...Array.from({ length: config.vocabSize - 2 }, (_, i) => `w${i + 2}`)];
  const featurizer = { vocabulary } as unknown as FeaturizerConfig;
  const ordered = trainedWordsFirst({ config, featurizer, weights });

  it('puts the moved words first, each group in its old order, the placeholders in place', () => {
    const words = ordered.featurizer.vocabulary;
    const movedCount = config.vocabSize - unmoved.size;
    expect(words.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(words.slice(2, movedCount)).toEqual(vocabulary.filter((_, v) => v >= 2 && !unmoved.has(v)));
    expect(words.slice(movedCount)).toEqual(vocabulary.filter((_, v) => unmoved.has(v)));
    expect(trainedTokenRows(config, ordered.weights)).toBe(movedCount);
    expect(trainedTokenRows(config, weights)).toBe(config.vocabSize);
  });

  it('gives every word the same logits under its new id', () => {
    const inputs = randomBatch(config, 5, 72);
    const newId = new Map(ordered.featurizer.vocabulary.map((word, id) => [word, id]));
    const renamed = { ...inputs, tokens: inputs.tokens.map((v) => newId.get(vocabulary[v]!)!) };
    const before = referenceForward(config, weights, inputs);
    const after = referenceForward(config, ordered.weights, renamed);
    expect(maxAbsDiff(before.intentLogits, after.intentLogits)).toBe(0);
    expect(maxAbsDiff(before.entityLogits, after.entityLogits)).toBe(0);
  });

  it('leaves an ordered vocabulary as it is', () => {
    expect(trainedWordsFirst(ordered)).toBe(ordered);
  });
});
