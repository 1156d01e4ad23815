import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OUT_OF_SCOPE } from '../nlu/parse';
import { createFeaturizer } from '../nlu/featurize';
import { createOrtRunner, type OrtApi } from '../nlu/runtime/model-runner';
import { compileNlu } from './compile';
import { addTypos } from './augment';
import { parametersFromWeights } from './model';
import { seededRandom } from './random';
import { createNodeParser } from './runtime-node';
import { fakeWordVectors, TOY_WORDS, toySupportExamples } from './testing/toy-data';
import { argmax } from './calibration';
import { predictLogits, trainModel } from './trainer';

describe('trained model -> ONNX', async () => {
  const trained = await trainModel({
    train: toySupportExamples(30),
    wordVectors: fakeWordVectors(TOY_WORDS),
    seed: 5,
    maxEpochs: 20,
    patience: 20,
    batchSize: 8,
    learningRate: 5e-3,
    generalWords: 5,
    model: { width: 32, layers: 2, heads: 4, ffnWidth: 64 },
    featurizer: { maxTokens: 12, ngramsPerToken: 10, ngramBuckets: 1021, sparseFeatures: 48, sparseBuckets: 1021 },
  });
  // A test set unlike the training data: other ids, typos, words the bot never saw.
  const random = seededRandom(11);
  const base = toySupportExamples(40).map((e) => ({ ...e, text: `${e.text} ${['thanks', 'ok', 'hmm', ''][Math.floor(random() * 4)]}`.trim() }));
  const texts = [...base, ...addTypos(base, 1, random)].map((e) => e.text);
  const featurizer = createFeaturizer(trained.featurizer);
  const ort = (await import('onnxruntime-node')) as unknown as OrtApi;

  // The ONNX side runs the bundle's featurizer and config, whose hashed tables are compacted.
  async function onnxLogits(quantize: boolean) {
    const { bundle, model } = compileNlu(trained, { quantize });
    const runner = await createOrtRunner(ort, model, bundle.config);
    const bundleFeaturizer = createFeaturizer(bundle.featurizer);
    const out = [];
    for (const text of texts) out.push(await runner.run(bundleFeaturizer.featurize(text)));
    await runner.dispose();
    return out;
  }

  it('compacts the hashed tables to the rows training moved', () => {
    const { bundle } = compileNlu(trained);
    for (const [key, field] of [['ngrams', 'ngramBuckets'], ['sparse', 'sparseBuckets'], ['tokenFeatures', 'tokenFeatureBuckets']] as const) {
      expect(bundle.featurizer.keptRows?.[key], key).toBeDefined();
      expect(bundle.config[field], field).toBeLessThan(trained.config[field]);
      expect(bundle.featurizer[field]).toBe(trained.featurizer[field]);
    }
  });

  it('float32 ONNX of the compacted tables matches the TF.js network of the whole ones (max abs logit difference below 1e-3)', async () => {
    const params = parametersFromWeights(trained.config, trained.weights);
    const tfjs = predictLogits(params, featurizer, texts);
    const onnx = await onnxLogits(false);
    let maxDifference = 0;
    onnx.forEach((out, i) => {
      out.intentLogits.forEach((value, j) => (maxDifference = Math.max(maxDifference, Math.abs(value - tfjs.intent[i]![j]!))));
      out.entityLogits.forEach((value, j) => (maxDifference = Math.max(maxDifference, Math.abs(value - tfjs.entity[i]![j]!))));
    });
    expect(maxDifference).toBeLessThan(1e-3);
  });

  it('int8 agrees with float32 on the top intent for at least 99.5% of a test set, at a quarter of the size', async () => {
    const [float32, int8] = [await onnxLogits(false), await onnxLogits(true)];
    const agree = float32.filter((out, i) => argmax(out.intentLogits) === argmax(int8[i]!.intentLogits)).length;
    expect(texts.length).toBeGreaterThanOrEqual(200);
    expect(agree / texts.length).toBeGreaterThanOrEqual(0.995);
    expect(compileNlu(trained, { quantize: true }).model.byteLength).toBeLessThan(compileNlu(trained, { quantize: false }).model.byteLength / 2.5);
  });

  it('the runtime parser gives intents, ranking, entities with offsets and timings', async () => {
    const { bundle, model } = compileNlu(trained);
    const parser = await createNodeParser(bundle, model, 'web-wasm');
    const context = { now: new Date('2026-03-02T10:00:00Z'), timeZone: 'UTC', locale: 'en' };
    const result = await parser.parse('where is my order K31337', context);
    expect(result.intent.name).toBe('order_status');
    expect(result.ranking).toHaveLength(3);
    expect(result.ranking[0]!.confidence).toBeGreaterThanOrEqual(result.ranking[1]!.confidence);
    expect(result.timings.totalMs).toBeGreaterThan(0);
    const orderId = result.entities.find((e) => e.entity === 'order_id');
    expect(orderId).toMatchObject({ text: 'K31337', start: 18, end: 24, extractor: 'model' });
  });

  it('answers any input, never crashes: empty, huge, emoji, right-to-left, zero-width, unknown scripts', async () => {
    const { bundle, model } = compileNlu(trained);
    const parser = await createNodeParser(bundle, model, 'web-wasm', {});
    const context = { now: new Date('2026-03-02T10:00:00Z'), timeZone: 'Pacific/Auckland', locale: 'en-NZ' };
    const odd = ['', '   ', 'x'.repeat(10_000), '😀😀😀', 'שלום עולם', 'مرحبا', '\u200b\u200d\u2060', 'ᚠᛇᚻ᛫ᛒᛦᚦ', '𓀀𓁐', '<script>alert(1)</script>', '\u0000\u0001'];
    for (const text of odd) {
      const result = await parser.parse(text, context);
      expect(result.intent.name === OUT_OF_SCOPE || bundle.labels.includes(result.intent.name)).toBe(true);
      expect(Number.isFinite(result.intent.confidence)).toBe(true);
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 400 }), async (text) => {
        const result = await parser.parse(text, context);
        expect(result.ranking.length).toBeLessThanOrEqual(5);
        for (const entity of result.entities) expect(entity.start >= 0 && entity.end <= text.length && entity.start < entity.end).toBe(true);
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
