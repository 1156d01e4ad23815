/**
 * The light stage at `parley train`: a multinomial logistic regression over the featurizer's hashed
 * sentence features (src/nlu/light/light-model.ts evaluates it in the browser), trained with AdaGrad
 * on the same examples and typo copies as the network, quantised to int8 with a scale per intent,
 * and calibrated on the same held-out examples (its own temperature and out-of-scope threshold).
 */
import type { Featurizer } from '../nlu/featurize';
import { base64OfBytes, bitsetOf } from '../nlu/kept-rows';
import { createLightModel, type LightStageBundle } from '../nlu/light/light-model';
import { addTypos } from './augment';
import { chooseThreshold, fitTemperature, scoreHeldOut, type HeldOutScores } from './calibration';
import { trainDefaults } from './defaults';
import type { Example } from './examples';
import { seededRandom, shuffle, type Random } from './random';

export interface LightStageOptions {
  /** Hash buckets of the light stage's table (before compaction). */
  buckets: number;
  epochs: number;
  learningRate: number;
  /** L2 penalty on the weights a step touches. */
  l2: number;
  /** Share of an example's features dropped at each step, so no single feature carries an intent. */
  featureDropout: number;
  labelSmoothing: number;
  typoRate: number;
}

export const lightStageDefaults: LightStageOptions = trainDefaults.lightStage;

/** Float weights as trained: [buckets, intents] row-major, and a bias per intent. */
export interface FloatLightModel {
  buckets: number;
  intents: number;
  weights: Float32Array;
  bias: Float32Array;
}

type Labelled = Pick<Example, 'text' | 'intent'>;

/** Trains the float model on `examples` (labels in the bundle's order). */
export function fitLightModel(examples: readonly Example[], labels: readonly string[], featurizer: Featurizer, options: LightStageOptions, random: Random): FloatLightModel {
  const C = labels.length;
  const { buckets } = options;
  const augmented = [...examples, ...addTypos(examples, options.typoRate, random)];
  const rows = augmented.map((e) => ({ features: featurizer.sentenceBuckets(e.text, buckets), label: labels.indexOf(e.intent) }));
  const missing = augmented.find((e) => !labels.includes(e.intent));
  if (missing) throw new Error(`the light stage has no label for the intent "${missing.intent}"`);
  // Balanced class weights, as the network's: a bot's many out-of-scope examples must not drown the rest.
  const counts = new Float64Array(C);
  for (const row of rows) counts[row.label]!++;
  const classWeight = Array.from(counts, (n) => (n > 0 ? Math.min(5, rows.length / (C * n)) : 0));

  const weights = new Float32Array(buckets * C);
  const squared = new Float32Array(buckets * C);
  const bias = new Float32Array(C);
  const biasSquared = new Float32Array(C);
  const logits = new Float64Array(C);
  const gradient = new Float64Array(C);
  const { learningRate: lr, l2, featureDropout, labelSmoothing } = options;
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (const index of order) {
      const { features: all, label } = rows[index]!;
      const features = featureDropout > 0 ? all.filter(() => random() >= featureDropout) : all;
      if (features.length === 0) continue;
      const x = 1 / Math.sqrt(features.length);
      logits.set(bias);
      for (const f of features) {
        const offset = f * C;
        for (let c = 0; c < C; c++) logits[c]! += weights[offset + c]! * x;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < C; c++) max = Math.max(max, logits[c]!);
      let sum = 0;
      for (let c = 0; c < C; c++) sum += logits[c] = Math.exp(logits[c]! - max);
      const w = classWeight[label]!;
      for (let c = 0; c < C; c++) {
        const target = (c === label ? 1 - labelSmoothing : 0) + labelSmoothing / C;
        gradient[c] = w * (logits[c]! / sum - target);
      }
      for (const f of features) {
        const offset = f * C;
        for (let c = 0; c < C; c++) {
          const i = offset + c;
          const g = gradient[c]! * x + l2 * weights[i]!;
          squared[i]! += g * g;
          weights[i]! -= (lr * g) / (Math.sqrt(squared[i]!) + 1e-8);
        }
      }
      for (let c = 0; c < C; c++) {
        biasSquared[c]! += gradient[c]! * gradient[c]!;
        bias[c]! -= (lr * gradient[c]!) / (Math.sqrt(biasSquared[c]!) + 1e-8);
      }
    }
  }
  return { buckets, intents: C, weights, bias };
}

/** int8 with one scale per intent; rows that round to all zeros are dropped (a bucket then maps to row 0). */
export function quantizeLightModel(model: FloatLightModel): Omit<LightStageBundle, 'temperature' | 'threshold'> {
  const { buckets, intents: C, weights } = model;
  const scales = new Array<number>(C).fill(0);
  for (let i = 0; i < weights.length; i++) scales[i % C] = Math.max(scales[i % C]!, Math.abs(weights[i]!));
  for (let c = 0; c < C; c++) scales[c] = scales[c]! > 0 ? scales[c]! / 127 : 1;
  const kept: number[] = [];
  const quantized: number[][] = [];
  for (let bucket = 1; bucket < buckets; bucket++) {
    const row = Array.from({ length: C }, (_, c) => Math.round(weights[bucket * C + c]! / scales[c]!));
    if (row.some((q) => q !== 0)) {
      kept.push(bucket);
      quantized.push(row);
    }
  }
  const bytes = new Int8Array((kept.length + 1) * C);
  quantized.forEach((row, i) => bytes.set(row, (i + 1) * C));
  const keptSet = new Set(kept);
  return {
    buckets,
    keptRows: bitsetOf((bucket) => keptSet.has(bucket), buckets),
    weights: base64OfBytes(new Uint8Array(bytes.buffer)),
    scales: scales.map((s) => Number(s.toPrecision(7))),
    bias: Array.from(model.bias, (b) => Number(b.toPrecision(7))),
  };
}

export interface TrainedLightStage {
  bundle: LightStageBundle;
  /** The held-out examples as the light stage answers them (null: none were held out). */
  heldOut: HeldOutScores | null;
  /** Bytes of the int8 table. */
  tableBytes: number;
  /** Training and calibration, both fits. */
  seconds: number;
}

/**
 * Fits on `train`, calibrates on `heldOut` (the first `watched` for the temperature, all for the
 * threshold) with the int8 weights the browser will use, then, when `refitOn` is given, fits again on
 * those examples (the author's held-out examples are theirs too) and keeps the calibration.
 */
export function trainLightStage(options: {
  train: readonly Example[];
  heldOut: readonly Example[];
  watched: number;
  refitOn?: readonly Example[];
  labels: readonly string[];
  outOfScope: string | null;
  featurizer: Featurizer;
  seed: number;
  options?: Partial<LightStageOptions>;
}): TrainedLightStage {
  const started = performance.now();
  const settings = { ...lightStageDefaults, ...options.options };
  const { labels, featurizer, heldOut } = options;
  const random = seededRandom((Math.imul(options.seed, 0x27d4eb2f) ^ 0x1195) >>> 0);
  const selection = quantizeLightModel(fitLightModel(options.train, labels, featurizer, settings, random));
  const logitsOf = (bundle: Omit<LightStageBundle, 'temperature' | 'threshold'>, examples: readonly Labelled[]) => {
    const model = createLightModel({ ...bundle, temperature: 1, threshold: 0 }, featurizer);
    return examples.map((e) => model.logits(e.text));
  };
  let temperature = 1;
  let threshold = 0;
  let scores: HeldOutScores | null = null;
  if (heldOut.length > 0) {
    const logits = logitsOf(selection, heldOut);
    const indices = heldOut.map((e) => labels.indexOf(e.intent));
    temperature = fitTemperature(logits.slice(0, options.watched), indices.slice(0, options.watched), labels.length);
    threshold = options.outOfScope ? chooseThreshold(logits, indices, labels, options.outOfScope, temperature) : 0;
    scores = scoreHeldOut(heldOut, logits, labels, options.outOfScope, temperature, threshold);
  }
  const final = options.refitOn ? quantizeLightModel(fitLightModel(options.refitOn, labels, featurizer, settings, random)) : selection;
  const bundle: LightStageBundle = { ...final, temperature: Number(temperature.toFixed(4)), threshold };
  return { bundle, heldOut: scores, tableBytes: atob(bundle.weights).length, seconds: (performance.now() - started) / 1000 };
}
