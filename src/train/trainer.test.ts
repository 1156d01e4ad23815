import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseAllWithTfjs } from './predict-tfjs';
import { fakeWordVectors, TOY_WORDS, toySupportExamples } from './testing/toy-data';
import { tokenize } from '../nlu/tokenize';
import { trainModel, type TrainOptions, type TrainProgress } from './trainer';

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

  it('trains the final network on every example, the held-out validation ones too', async () => {
    const quick = { ...options, maxEpochs: 3, patience: 3 };
    // Each order example has its own order number, so the held-out ones bring words of their own.
    const words = options.train.flatMap((e) => tokenize(e.text).map((t) => t.norm));
    const refit = await trainModel(quick);
    expect(refit.refit?.examples).toBe(options.train.length);
    expect(refit.refit?.epochs).toBeGreaterThanOrEqual(1);
    expect(refit.refit?.epochs).toBeLessThanOrEqual(refit.history.length);
    expect(words.filter((w) => !refit.featurizer.vocabulary.includes(w))).toEqual([]);

    const heldOut = await trainModel({ ...quick, refit: false });
    expect(heldOut.refit).toBeNull();
    expect(words.filter((w) => !heldOut.featurizer.vocabulary.includes(w)).length).toBeGreaterThan(0);
    // Calibration comes from the held-out run either way.
    expect(refit.temperature).toBe(heldOut.temperature);
  }, 120_000);

  it('trains the final fit alongside the selection run, in a worker thread, to the same weights as after it', async () => {
    const quick = { ...options, maxEpochs: 4, patience: 4 };
    const epochs: Array<[TrainProgress['stage'], number]> = [];
    const alongside = await trainModel({ ...quick, onProgress: (p) => p.secondsPerEpoch !== undefined && epochs.push([p.stage, p.epoch]) });
    const after = await trainModel({ ...quick, finalFitAlongside: false });
    expect(alongside.refit).toEqual({ examples: options.train.length, epochs: after.refit!.epochs, alongside: true });
    expect(after.refit!.alongside).toEqual({ reason: expect.stringContaining('turned off') });
    for (const name of ['intent.weight', 'layer0.attn.q', 'embed.words']) expect(alongside.weights[name]).toEqual(after.weights[name]);
    expect(alongside.transitions).toEqual(after.transitions);
    // The selection run's epochs, then those of the final fit it still had to train, up to the kept one.
    const firstRefit = epochs.findIndex(([stage]) => stage === 'refit');
    const refitEpochs = firstRefit < 0 ? [] : epochs.slice(firstRefit).map(([stage, epoch]) => (stage === 'refit' ? epoch : NaN));
    expect(epochs.slice(0, firstRefit < 0 ? undefined : firstRefit).every(([stage]) => stage === 'train')).toBe(true);
    const { epochs: kept } = alongside.refit!;
    expect(refitEpochs).toEqual(Array.from({ length: refitEpochs.length }, (_, i) => kept - refitEpochs.length + 1 + i));
  }, 120_000);

  it('runs the final fit in this thread when its worker cannot start, with the same weights', async () => {
    const quick = { ...options, maxEpochs: 2, patience: 2 };
    // A function cannot be copied to a worker thread.
    const uncopyable = { ...quick, model: { ...quick.model, describe: () => 'not plain data' } } as TrainOptions;
    const said: TrainProgress[] = [];
    const fallback = await trainModel({ ...uncopyable, onProgress: (progress) => said.push(progress) });
    expect(fallback.refit!.alongside).toEqual({ reason: expect.stringMatching(/could not start/) });
    // The progress lines tell the truth from the first one: the final fit follows the selection run.
    const selecting = said.filter((p) => p.stage === 'train');
    expect(selecting.length).toBeGreaterThan(0);
    expect(selecting.map((p) => p.finalFit)).toEqual(selecting.map(() => 'after'));
    expect(said.some((p) => p.stage === 'refit')).toBe(true);
    const alongside = await trainModel(quick);
    expect(fallback.weights['intent.weight']).toEqual(alongside.weights['intent.weight']);
  }, 120_000);

  it('trains its whole budget when there are too few examples to hold any out', async () => {
    const train = ['hours', 'refund'].map((intent) => options.train.find((e) => e.intent === intent)!);
    const model = await trainModel({ ...options, train, maxEpochs: 4, patience: 1 });
    expect(model.validExamples).toBe(0);
    expect(model.history).toEqual([]);
    expect(model.refit).toBeNull();
    const parsed = await parseAllWithTfjs(model, train.map((e) => e.text));
    expect(parsed.map((p) => p.intent)).toEqual(['hours', 'refund']);
  }, 120_000);

  it('does not refit when the validation examples were given apart', async () => {
    const [train, valid] = [options.train.filter((_, i) => i % 5 !== 0), options.train.filter((_, i) => i % 5 === 0)];
    const model = await trainModel({ ...options, train, valid, maxEpochs: 2 });
    expect(model.refit).toBeNull();
    expect(model.featurizer.vocabulary).not.toContain(tokenize(valid[0]!.text).at(-1)!.norm);
  }, 120_000);
});
