import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseAllWithTfjs } from './predict-tfjs';
import { fakeWordVectors, TOY_WORDS, toySupportExamples } from './testing/toy-data';
import { trainModel, type TrainOptions } from './trainer';

const options: TrainOptions = {
  train: toySupportExamples(30),
  wordVectors: fakeWordVectors(TOY_WORDS),
  seed: 3,
  maxEpochs: 25,
  patience: 25,
  batchSize: 8,
  learningRate: 5e-3,
  generalWords: 5,
  model: { width: 16, layers: 1, heads: 2, ffnWidth: 32 },
  featurizer: { maxTokens: 10, ngramsPerToken: 8, ngramBuckets: 257, sparseFeatures: 32, sparseBuckets: 257 },
};

describe('trainer', () => {
  it('learns intents and entities of a small bot, and parses new messages', async () => {
    const model = await trainModel(options);
    expect(model.labels).toEqual(['hours', 'order_status', 'refund']);
    expect(model.tags).toEqual(['O', 'B-order_id', 'I-order_id']);
    expect(model.history.at(-1)!.loss).toBeLessThan(model.history[0]!.loss);

    const texts = ['where is my order B77777', 'i would like a refund', 'when do you open'];
    const parsed = await parseAllWithTfjs(model, texts);
    expect(parsed.map((p) => p.intent)).toEqual(['order_status', 'refund', 'hours']);
    const orderId = parsed[0]!.entities.find((e) => e.entity === 'order_id');
    expect(orderId && texts[0]!.slice(orderId.start, orderId.end)).toBe('B77777');
  }, 120_000);

  it('releases every tensor it made', async () => {
    const before = tf.memory().numTensors;
    await trainModel({ ...options, maxEpochs: 2 });
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('is deterministic for a seed', async () => {
    const quick = { ...options, maxEpochs: 2 };
    const [a, b] = [await trainModel(quick), await trainModel(quick)];
    expect(a.weights['intent.weight']).toEqual(b.weights['intent.weight']);
    expect(a.weights['layer0.attn.q']).toEqual(b.weights['layer0.attn.q']);
  }, 120_000);
});
