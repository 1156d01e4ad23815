import { describe, expect, it } from 'vitest';
import { parseNluBundle } from '../nlu/bundle';
import { createFeaturizer } from '../nlu/featurize';
import { createLightModel } from '../nlu/light/light-model';
import { createLightParser } from '../nlu/light/light-parser';
import { trainDefaults } from './defaults';
import type { Example } from './examples';
import { fitLightModel, quantizeLightModel, trainLightStage } from './light-stage';
import { seededRandom } from './random';
import { toySupportExamples } from './testing/toy-data';

const featurizer = createFeaturizer({ ...trainDefaults.featurizer, vocabulary: ['<pad>', '<unk>'] });
const OUT_OF_SCOPE_TEXTS = ['what is the weather', 'tell me a joke', 'who won the game', 'play some music', 'translate hello to french', 'how tall is everest'];
const outOfScope: Example[] = Array.from({ length: 24 }, (_, i) => ({ text: `${OUT_OF_SCOPE_TEXTS[i % 6]}${i >= 6 ? ` ${['now', 'please', 'today'][i % 3]}` : ''}`, intent: 'out_of_scope', entities: [] }));
const examples = [...toySupportExamples(20), ...outOfScope];
const labels = ['hours', 'order_status', 'out_of_scope', 'refund'];

describe('light stage (training)', () => {
  it('learns the intents of a small bot and declines what it cannot do', () => {
    const trained = trainLightStage({ train: examples, heldOut: examples.slice(0, 12), watched: 12, labels, outOfScope: 'out_of_scope', featurizer, seed: 1 });
    const model = createLightModel(trained.bundle, featurizer);
    const answer = (text: string) => labels[[...model.logits(text)].reduce((best, v, i, all) => (v > all[best]! ? i : best), 0)];
    expect(answer('where is my order A12345')).toBe('order_status');
    expect(answer('i would like a refund')).toBe('refund');
    expect(answer('when do you open')).toBe('hours');
    // Typos: the character n-grams carry them.
    expect(answer('opning hours')).toBe('hours');
    expect(answer('tell me a joke please')).toBe('out_of_scope');
    expect(trained.heldOut?.inScope).toBeGreaterThan(0);
  });

  it("int8 weights give the float model's logits within the rounding of one step per feature", () => {
    const float = fitLightModel(examples, labels, featurizer, { ...trainDefaults.lightStage, epochs: 3 }, seededRandom(2));
    const bundle = { ...quantizeLightModel(float), temperature: 1, threshold: 0 };
    const model = createLightModel(bundle, featurizer);
    for (const text of ['where is my order B77777', 'refund my money', 'business hours please']) {
      const features = featurizer.sentenceBuckets(text, float.buckets);
      const quantized = model.logits(text);
      for (let c = 0; c < labels.length; c++) {
        let sum = 0;
        for (const f of features) sum += float.weights[f * labels.length + c]!;
        const exact = float.bias[c]! + sum / Math.sqrt(features.length);
        // Each feature's weight is off by at most half a step: features * scale / 2, over sqrt(features).
        expect(Math.abs(quantized[c]! - exact)).toBeLessThanOrEqual((bundle.scales[c]! * Math.sqrt(features.length)) / 2 + 1e-4);
      }
    }
  });

  it('is the same for the same seed, and keeps only the rows training moved', () => {
    const train = () => trainLightStage({ train: examples, heldOut: [], watched: 0, labels, outOfScope: 'out_of_scope', featurizer, seed: 5 }).bundle;
    const first = train();
    expect(train()).toEqual(first);
    expect(atob(first.weights).length).toBeLessThan(first.buckets * labels.length);
    expect(first.threshold).toBe(0);
  });
});

describe('light stage (runtime parser)', () => {
  it('answers through a bundle written as JSON, with the rule extractors and stage "light"', () => {
    const trained = trainLightStage({ train: examples, heldOut: examples, watched: examples.length, labels, outOfScope: 'out_of_scope', featurizer, seed: 1 });
    const parsed = parseNluBundle(JSON.parse(JSON.stringify(minimalBundle(trained.bundle))), 'bot.json nlu');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const parser = createLightParser(parsed.value);
    const result = parser.parse('where is my order A12345', { now: new Date(0), timeZone: 'UTC', locale: 'en' });
    expect(result.stage).toBe('light');
    expect(result.intent.name).toBe('order_status');
    expect(result.ranking[0]!.confidence).toBeGreaterThan(result.ranking[1]!.confidence);
    // Nothing to read: out of scope without a model call.
    expect(parser.parse('   ', { now: new Date(0), timeZone: 'UTC', locale: 'en' }).intent.name).toBe('out_of_scope');
  });

  it('refuses a bundle whose light stage does not fit its labels, naming the field', () => {
    const trained = trainLightStage({ train: examples, heldOut: [], watched: 0, labels, outOfScope: 'out_of_scope', featurizer, seed: 1 });
    const broken = minimalBundle({ ...trained.bundle, bias: [0, 1] });
    const parsed = parseNluBundle(JSON.parse(JSON.stringify(broken)), 'bot.json nlu');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('\n')).toContain('bot.json nlu: light: 2 biases and 4 scales for 4 labels');
  });
});

/** A bundle around a light stage (the full model's fields are only checked for shape here). */
function minimalBundle(light: unknown) {
  const { vocabulary: _vocabulary, keptRows: _kept, ...config } = featurizer.config;
  return {
    format: 4,
    model: { file: 'model.onnx', bytes: 1, sha256: '0'.repeat(64), quantized: true },
    config: { ...config, vocabSize: 2, pretrainedDim: 1, width: 4, layers: 1, heads: 1, ffnWidth: 4, intents: labels.length, tags: 1 },
    featurizer: featurizer.config,
    labels,
    tags: ['O'],
    transitions: null,
    temperature: 1,
    threshold: 0.3,
    outOfScopeLabel: 'out_of_scope',
    light,
  };
}
