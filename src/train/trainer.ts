/**
 * Trains the intent/entity network from labelled examples: stratified validation split, class
 * balancing, typo augmentation, early stopping on validation (of a running average of the weights),
 * then temperature calibration and the out-of-scope threshold chosen on the validation split; when
 * that split came out of the examples, a final fit on all of them. Deterministic for a seed.
 */
import * as tf from '@tensorflow/tfjs';
import { bioTags, decodeEntities, softmax, type TagTransitions } from '../nlu/decode';
import type { Token } from '../nlu/tokenize';
import { createFeaturizer, type Featurizer, type FeaturizerConfig } from '../nlu/featurize';
import { UNKNOWN_ID, type ModelConfig, type Weights } from '../nlu/model-spec';
import { addTypos, swapEntityValues } from './augment';
import { createCrf, crfNegativeLogLikelihood, disposeCrf, exportTransitions, type Crf } from './crf';
import { trainDefaults } from './defaults';
import { EarlyStopping } from './early-stopping';
import { encodeExamples, rowLength, takeRows, type EncodedExamples } from './encode';
import { argmax, chooseThreshold, fitTemperature, scoreHeldOut, type HeldOutScores } from './calibration';
import { carveValidation, type Example } from './examples';
import { batchTensors, clampPaddingRows, exportWeights, forward, initParameters, type Parameters } from './model';
import { seededRandom, shuffle } from './random';
import { WeightAverage } from './weight-average';
import { trainLightStage, type LightStageOptions, type TrainedLightStage } from './light-stage';
import { startFinalFitAlongside, type FinalFitAlongside, type FinalFitControl, type FitOptions, type NetworkData } from './final-fit';
import { buildVocabulary, type Vocabulary } from './vocabulary';
import type { WordVectors } from './word-vectors';

export interface TrainOptions {
  train: readonly Example[];
  valid?: readonly Example[];
  wordVectors: WordVectors;
  seed?: number;
  maxEpochs?: number;
  patience?: number;
  /** Keep later weights while the validation score is within this of the best (trainDefaults says why). */
  stoppingTolerance?: number;
  batchSize?: number;
  learningRate?: number;
  model?: Partial<Pick<ModelConfig, 'width' | 'layers' | 'heads' | 'ffnWidth'>>;
  featurizer?: Partial<Omit<FeaturizerConfig, 'vocabulary'>>;
  generalWords?: number;
  outOfScopeLabel?: string;
  typoRate?: number;
  /** Share of examples with entities that get a copy with other values of the same entities. */
  entitySwapRate?: number;
  /** Learned tag transitions (a CRF) on top of the entity head; off, each token is tagged alone. */
  entityCrf?: boolean;
  /** Weight of the entity loss against the intent loss. */
  entityLossWeight?: number;
  /** Evaluate and keep a running average of the weights over this many epochs (0: off). */
  weightAveragingEpochs?: number;
  /**
   * When the validation split is carved out of `train`, train the final network on all examples for
   * the epochs early stopping chose (default trainDefaults.refit).
   */
  refit?: boolean;
  /**
   * Run that final fit in a worker thread at the same time as the selection run (about half the wall
   * time on two cores; the same weights as running it afterwards in this thread). Default true.
   */
  finalFitAlongside?: boolean;
  /** The light stage's settings (trainDefaults.lightStage has the defaults). */
  lightStage?: Partial<LightStageOptions>;
  /** Regularisation; trainDefaults has the defaults. */
  regularization?: Partial<Regularization>;
  onProgress?: (progress: TrainProgress) => void;
}

export interface Regularization {
  dropout: number;
  entityHeadDropout: number;
  wordDropout: number;
  entityWordDropout: number;
  sparseDropout: number;
  labelSmoothing: number;
}

export interface TrainProgress {
  /** `train`: the run on the training split that early stopping watches; `refit`: the final fit on all examples. */
  stage: 'train' | 'refit';
  /** In the `train` stage: the final fit on all examples that runs after it or alongside it. */
  finalFit?: 'after' | 'alongside';
  epoch: number;
  maxEpochs: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  validAccuracy?: number;
  secondsPerEpoch?: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  validAccuracy: number;
  validEntityF1: number | null;
  seconds: number;
}

export interface TrainedModel {
  config: ModelConfig;
  featurizer: FeaturizerConfig;
  labels: string[];
  entityTypes: string[];
  tags: string[];
  weights: Weights;
  /** The entity CRF's transition scores (null without entities, or with the CRF turned off). */
  transitions: TagTransitions | null;
  /** Softmax temperature fitted on the validation split (calibrated confidences). */
  temperature: number;
  /** Below this confidence the parse is out of scope (0 when the data has no out-of-scope class). */
  threshold: number;
  outOfScopeLabel: string | null;
  history: EpochRecord[];
  /** Examples in the validation split (0 when there were too few to hold any out). */
  validExamples: number;
  /** How the selection run's network, calibrated and with the threshold, did on them (null: none held out). */
  heldOut: HeldOutScores | null;
  /** The light stage: the linear model the browser answers with while the network loads. */
  light: TrainedLightStage;
  /** The final fit on every example (validation split included), or null when there was none. */
  refit: {
    examples: number;
    epochs: number;
    /** Trained in a second thread alongside the selection run; or, with why not, after it. */
    alongside: true | { reason: string };
  } | null;
  trainSeconds: number;
}

export interface Prediction {
  /** Calibrated probabilities, in label order. */
  probabilities: Float32Array;
  entities: Array<{ entity: string; start: number; end: number; confidence: number }>;
}

export async function trainModel(options: TrainOptions): Promise<TrainedModel> {
  const started = performance.now();
  await ensureBackend();
  const seed = options.seed ?? trainDefaults.seed;
  const random = seededRandom(seed);
  const carved = options.valid === undefined;
  const outOfScopeLabel = options.outOfScopeLabel ?? trainDefaults.outOfScopeLabel;
  const split = options.valid
    ? { train: [...options.train], valid: [...options.valid], thresholdOnly: [] }
    : carveValidation(options.train, { fraction: trainDefaults.validFraction, outOfScopeLabel, outOfScopeHeldOut: trainDefaults.outOfScopeHeldOut, outOfScopeHeldOutShare: trainDefaults.outOfScopeHeldOutShare }, random);

  const refitting = carved && split.valid.length > 0 && (options.refit ?? trainDefaults.refit);
  const heldOutExamples = [...split.valid, ...split.thresholdOnly];
  const all = [...split.train, ...heldOutExamples];
  const vocabularyOf = (examples: readonly Example[]) =>
    buildVocabulary(examples.map((e) => e.text), options.wordVectors, options.generalWords ?? trainDefaults.generalWords);
  // The final fit runs alongside the selection run in a worker thread; when it cannot, after it here.
  const finalFit: { worker: FinalFitAlongside | null; notAlongside: string | null } = {
    worker: null,
    notAlongside: options.finalFitAlongside === false ? 'turned off (finalFitAlongside: false)' : null,
  };
  // What crosses to the worker thread: plain data only.
  const { train: _train, valid: _valid, wordVectors: _wordVectors, onProgress, ...plainOptions } = options;
  const startAlongside = (scheduleEpochs: number) => {
    try {
      finalFit.worker = startFinalFitAlongside({ options: plainOptions, examples: all, vocabulary: vocabularyOf(all), scheduleEpochs, seed }, onProgress);
    } catch (error) {
      finalFit.notAlongside = `the worker thread could not start: ${String(error)}`;
    }
  };
  try {
    const selection = fitNetwork(options, split.train, vocabularyOf(split.train), {
      kind: 'select',
      valid: split.valid,
      ...(refitting && {
        onScheduled: (scheduleEpochs) => {
          if (finalFit.notAlongside === null) startAlongside(scheduleEpochs);
          return finalFit.notAlongside === null ? 'alongside' : 'after';
        },
        onKept: (epoch) => finalFit.worker?.kept(epoch),
      }),
    }, seed, random);
    // Calibration needs messages the network has not trained on, so it is done on the selection run:
    // the temperature on the split early stopping watched, the threshold on every held-out example.
    const heldOutLogits = predictLogits(selection.params, selection.featurizer, heldOutExamples.map((e) => e.text)).intent;
    const heldOutLabels = heldOutExamples.map((e) => selection.labels.indexOf(e.intent));
    const watched = split.valid.length;
    const temperature = fitTemperature(heldOutLogits.slice(0, watched), heldOutLabels.slice(0, watched), selection.labels.length);
    const outOfScope = selection.labels.includes(outOfScopeLabel) ? outOfScopeLabel : null;
    const threshold = outOfScope ? chooseThreshold(heldOutLogits, heldOutLabels, selection.labels, outOfScope, temperature) : 0;
    const heldOut = heldOutExamples.length > 0 ? scoreHeldOut(heldOutExamples, heldOutLogits, selection.labels, outOfScope, temperature, threshold) : null;
    // The light stage learns from the same split, is calibrated on the same held-out examples, and
    // is fitted again on all of them when the network is.
    const light = trainLightStage({
      train: split.train,
      heldOut: heldOutExamples,
      watched,
      ...(refitting && { refitOn: all }),
      labels: selection.labels,
      outOfScope,
      featurizer: selection.featurizer,
      seed,
      ...(options.lightStage && { options: options.lightStage }),
    });

    // The held-out examples are the author's too: when the split was carved out of them, the final
    // network trains on all of them for as many epochs as early stopping kept (calibration stays).
    let final: NetworkData;
    let refit: TrainedModel['refit'] = null;
    if (refitting) {
      const epochs = selection.keptEpoch;
      selection.dispose();
      const fromWorker = await finalFit.worker?.finish(epochs).catch((error: unknown) => {
        finalFit.notAlongside = `the worker thread failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
        return null;
      });
      // Nothing is lost when the worker fails: the same final fit runs here instead.
      final = fromWorker ?? runFinalFit(options, all, vocabularyOf(all), { kind: 'retrain', epochs, scheduleEpochs: selection.scheduleEpochs }, seed);
      refit = { examples: all.length, epochs, alongside: finalFit.notAlongside === null ? true : { reason: finalFit.notAlongside } };
    } else {
      final = networkData(selection);
      selection.dispose();
    }

    return {
      ...final,
      temperature,
      threshold,
      outOfScopeLabel: outOfScope,
      history: selection.history,
      validExamples: heldOutExamples.length,
      heldOut,
      light,
      refit,
      trainSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    // A no-op once the final fit is in; otherwise (an error) its thread must not outlive the call.
    finalFit.worker?.cancel();
  }
}

/** The random stream of the final fit: its own, so it is the same in a worker as in this thread. */
const finalFitSeed = (seed: number) => (Math.imul(seed, 0x9e3779b1) ^ 0x5eed) >>> 0;

/** Trains the final network on all examples (see FitPlan) and returns it as plain data. */
export function runFinalFit(
  options: FitOptions,
  examples: readonly Example[],
  vocabulary: Vocabulary,
  plan: Extract<FitPlan, { kind: 'retrain' | 'alongside' }>,
  seed: number,
): NetworkData {
  const fitted = fitNetwork(options, examples, vocabulary, plan, seed, seededRandom(finalFitSeed(seed)));
  try {
    return networkData(fitted);
  } finally {
    fitted.dispose();
  }
}

function networkData(network: FittedNetwork): NetworkData {
  return {
    config: network.params.config,
    featurizer: network.featurizer.config,
    labels: network.labels,
    entityTypes: network.entityTypes,
    tags: network.tags,
    weights: exportWeights(network.params),
    transitions: network.crf && exportTransitions(network.crf),
  };
}

/** A trained network and what it was trained with; dispose() frees its tensors. */
interface FittedNetwork extends UntrainedNetwork {
  history: EpochRecord[];
  /** The epoch whose weights were kept (the last one when the epochs were fixed). */
  keptEpoch: number;
  /** The epochs the learning-rate schedule spans. */
  scheduleEpochs: number;
  dispose(): void;
}

/** A network before training: its vocabulary, featurizer, labels and initial weights. */
interface UntrainedNetwork {
  params: Parameters;
  crf: Crf | null;
  featurizer: Featurizer;
  labels: string[];
  entityTypes: string[];
  tags: string[];
}

/** Builds the vocabulary, featurizer and freshly initialised network for `examples`. */
function buildNetwork(options: FitOptions, examples: readonly Example[], vocabulary: Vocabulary, seed: number): UntrainedNetwork {
  const labels = [...new Set(examples.map((e) => e.intent))].sort();
  const entityTypes = [...new Set(examples.flatMap((e) => e.entities.map((s) => s.entity)))].sort();
  const tags = bioTags(entityTypes);
  const featurizerConfig: FeaturizerConfig = {
    ...trainDefaults.featurizer,
    sparseBuckets: sparseBucketsFor(labels.length),
    ...options.featurizer,
    vocabulary: vocabulary.words,
  };
  const featurizer = createFeaturizer(featurizerConfig);
  const modelConfig: ModelConfig = {
    ...trainDefaults.model,
    ...options.model,
    maxTokens: featurizerConfig.maxTokens,
    vocabSize: vocabulary.words.length,
    pretrainedDim: vocabulary.dimensions,
    ngramBuckets: featurizerConfig.ngramBuckets,
    ngramsPerToken: featurizerConfig.ngramsPerToken,
    sparseBuckets: featurizerConfig.sparseBuckets,
    sparseFeatures: featurizerConfig.sparseFeatures,
    tokenFeatureBuckets: featurizerConfig.tokenFeatureBuckets,
    tokenFeaturesPerToken: featurizerConfig.tokenFeaturesPerToken,
    intents: labels.length,
    tags: tags.length,
  };
  const params = initParameters(modelConfig, vocabulary.vectors, seed);
  const crf = tags.length > 1 && (options.entityCrf ?? trainDefaults.entityCrf) ? createCrf(tags) : null;
  return { params, crf, featurizer, labels, entityTypes, tags };
}

/** How long fitNetwork trains. */
type FitPlan =
  /**
   * Until early stopping on `valid`. With a final fit, `onScheduled` learns the schedule's length
   * before the first step and `onKept` each epoch whose weights early stopping keeps.
   */
  | {
      kind: 'select';
      valid: readonly Example[];
      /** Returns where the final fit will run, which the progress reports say. */
      onScheduled?: (scheduleEpochs: number) => 'after' | 'alongside';
      onKept?: (epoch: number) => void;
    }
  /** Exactly `epochs`, on the selection run's learning-rate schedule. */
  | { kind: 'retrain'; epochs: number; scheduleEpochs: number }
  /** As `retrain`, while the selection run is still choosing the epochs (see final-fit.ts). */
  | { kind: 'alongside'; scheduleEpochs: number; control: FinalFitControl };

/**
 * Builds a network for `examples` and trains it: until early stopping (keeping the weights it chose)
 * or for a fixed number of epochs (the learning-rate schedule is the same either way, so a refit
 * retraces the selection run).
 */
function fitNetwork(options: FitOptions, examples: readonly Example[], vocabulary: Vocabulary, plan: FitPlan, seed: number, random: () => number): FittedNetwork {
  const { params, crf, featurizer, labels, entityTypes, tags } = buildNetwork(options, examples, vocabulary, seed);
  const modelConfig = params.config;

  const augmented = [
    ...examples,
    ...addTypos(examples, options.typoRate ?? trainDefaults.typoRate, random),
    ...swapEntityValues(examples, options.entitySwapRate ?? trainDefaults.entitySwapRate, random),
  ];
  const train = encodeExamples(augmented, featurizer, labels, tags);
  const classWeights = tf.tensor1d(balancedClassWeights(train.intents, labels.length));
  const learningRate = options.learningRate ?? trainDefaults.learningRate;
  const optimizer = tf.train.adam(learningRate);
  const batchSize = options.batchSize ?? trainDefaults.batchSize;
  const stepsPerEpoch = Math.ceil(train.count / batchSize);
  const budget = trainingBudget(options, stepsPerEpoch);
  // A refit retraces the selection run's learning-rate schedule (its epochs have a few more steps).
  const maxEpochs = plan.kind === 'select' ? budget.maxEpochs : plan.scheduleEpochs;
  // Too few examples to hold any out: no validation to stop on, so the whole budget is trained.
  const valid = plan.kind === 'select' && plan.valid.length > 0 ? plan.valid : null;
  const epochs = plan.kind === 'retrain' ? Math.min(plan.epochs, maxEpochs) : maxEpochs;
  const finalFitRuns = plan.kind === 'select' ? plan.onScheduled?.(maxEpochs) : undefined;
  const stage: Pick<TrainProgress, 'stage' | 'finalFit'> =
    plan.kind === 'select' ? { stage: 'train', ...(finalFitRuns && { finalFit: finalFitRuns }) } : { stage: 'refit' };
  const variables = new Map<string, tf.Variable>([...params.variables, ...(crf ? [['crf.transitions', crf.transitions], ['crf.start', crf.start], ['crf.end', crf.end]] as const : [])]);
  const trainable = [...variables.values()];
  const regularization: Regularization = {
    dropout: trainDefaults.dropout,
    entityHeadDropout: trainDefaults.entityHeadDropout,
    wordDropout: trainDefaults.wordDropout,
    entityWordDropout: trainDefaults.entityWordDropout,
    sparseDropout: trainDefaults.sparseDropout,
    labelSmoothing: trainDefaults.labelSmoothing,
    ...options.regularization,
  };

  const averagingEpochs = options.weightAveragingEpochs ?? trainDefaults.weightAveragingEpochs;
  const average = averagingEpochs > 0 ? new WeightAverage(variables, averagingEpochs * stepsPerEpoch) : null;

  const history: EpochRecord[] = [];
  // The weights early stopping keeps (see EarlyStopping for which).
  let kept: Map<string, tf.Tensor> | null = null;
  let keptEpoch = 0;
  // Alongside: the averaged weights of each epoch the selection run may still choose.
  const snapshots = new Map<number, Map<string, tf.Tensor>>();
  const snapshot = () => new Map([...variables].map(([name, v]) => [name, tf.clone(v)] as const));
  const stopping = new EarlyStopping(budget.patience, options.stoppingTolerance ?? trainDefaults.stoppingTolerance);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const epochStart = performance.now();
    // Linear decay to a tenth of the rate: big steps first, fine ones for the entity boundaries later.
    // (TF.js reads this field at every step; it is only marked protected.)
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate * Math.max(0.1, 1 - (epoch - 1) / maxEpochs);
    const batches = lengthBucketedBatches(train, modelConfig.maxTokens, batchSize, random);
    let lossSum = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const rows = batches[step]!;
      const loss = trainStep(params, crf, optimizer, trainable, train, rows, classWeights, tags.length > 1, random, regularization, options.entityLossWeight ?? trainDefaults.entityLossWeight);
      clampPaddingRows(params);
      average?.update();
      lossSum += loss;
      if (step % 20 === 0 && step < stepsPerEpoch - 1) {
        options.onProgress?.({ ...stage, epoch, maxEpochs: epochs, step: step + 1, stepsPerEpoch, loss: lossSum / (step + 1) });
      }
    }
    const loss = lossSum / stepsPerEpoch;
    if (!valid) {
      keptEpoch = epoch;
      options.onProgress?.({ ...stage, epoch, maxEpochs: epochs, step: stepsPerEpoch, stepsPerEpoch, loss, secondsPerEpoch: (performance.now() - epochStart) / 1000 });
      if (plan.kind === 'alongside') {
        const earliest = plan.control.keptAtLeast();
        if (epoch >= earliest) {
          const raw = average?.swapIn();
          snapshots.set(epoch, snapshot());
          if (raw) average!.swapOut(raw);
        }
        for (const [old, weights] of snapshots) {
          if (old >= earliest) continue;
          weights.forEach((t) => t.dispose());
          snapshots.delete(old);
        }
        const target = plan.control.target();
        if (target !== null && epoch >= target) break;
      }
      continue;
    }
    // Validation (and the weights early stopping keeps) sees the averaged weights; training
    // goes on from the raw ones.
    const raw = average?.swapIn();
    const evaluation = evaluateSplit(params, featurizer, valid, labels, tags, crf && exportTransitions(crf), 1);
    const seconds = (performance.now() - epochStart) / 1000;
    const record: EpochRecord = { epoch, loss, validAccuracy: evaluation.accuracy, validEntityF1: evaluation.entityF1, seconds };
    history.push(record);
    options.onProgress?.({ ...stage, epoch, maxEpochs: epochs, step: stepsPerEpoch, stepsPerEpoch, loss, validAccuracy: record.validAccuracy, secondsPerEpoch: seconds });

    if (stopping.observe(evaluation.accuracy + (evaluation.entityF1 ?? 0))) {
      kept?.forEach((t) => t.dispose());
      kept = snapshot();
      keptEpoch = epoch;
      if (plan.kind === 'select') plan.onKept?.(epoch);
    }
    if (raw) average!.swapOut(raw);
    if (stopping.shouldStop) break;
  }
  if (plan.kind === 'alongside') {
    // The selection run ended (or ends while this waits): keep the snapshot of the epochs it chose.
    keptEpoch = plan.control.target() ?? plan.control.waitForTarget();
    kept = snapshots.get(keptEpoch) ?? null;
    if (!kept) throw new Error(`the final fit kept no weights for epoch ${keptEpoch}`);
    snapshots.delete(keptEpoch);
    snapshots.forEach((weights) => weights.forEach((t) => t.dispose()));
  } else if (!valid && average) {
    // Without validation the final network is the averaged weights of the last epoch.
    average.swapIn().forEach((t) => t.dispose());
  }
  average?.dispose();
  if (kept) {
    for (const [name, value] of kept) variables.get(name)!.assign(value);
    kept.forEach((t) => t.dispose());
  }
  optimizer.dispose();
  classWeights.dispose();
  return {
    params,
    crf,
    featurizer,
    labels,
    entityTypes,
    tags,
    history,
    keptEpoch,
    scheduleEpochs: maxEpochs,
    dispose() {
      params.pretrained.dispose();
      params.variables.forEach((v) => v.dispose());
      if (crf) disposeCrf(crf);
    },
  };
}

/**
 * The WASM backend (SIMD, one thread) is the one fast enough to train here (see NLU facts); the CPU
 * backend would take hours. Checked on every call: TF.js's engine is process-wide, and other code may
 * have switched it.
 */
export async function ensureBackend(): Promise<void> {
  if (tf.getBackend() === 'wasm') return;
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js WASM backend could not start');
  await tf.ready();
}

/**
 * Shuffled batches of similar lengths: examples are shuffled, sorted by length within windows of 50
 * batches, cut into batches, and the batches shuffled again. Far fewer padded steps per batch.
 */
function lengthBucketedBatches(data: EncodedExamples, maxTokens: number, batchSize: number, random: () => number): number[][] {
  const order = shuffle([...Array(data.count).keys()], random);
  const lengths = order.map((row) => rowLength(data, row, maxTokens));
  const window = batchSize * 50;
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += window) {
    const slice = order.slice(start, start + window).map((row, i) => ({ row, length: lengths[start + i]! }));
    slice.sort((a, b) => a.length - b.length);
    for (let i = 0; i < slice.length; i += batchSize) batches.push(slice.slice(i, i + batchSize).map((item) => item.row));
  }
  return shuffle(batches, random);
}

/**
 * Most epochs and early-stopping patience. A small bot has few steps per epoch (70 examples: two),
 * so twelve epochs, or three without progress, would stop it after a few dozen steps: unless set
 * explicitly, both stretch to cover trainDefaults.minSteps and minPatienceSteps.
 */
export function trainingBudget(options: Pick<TrainOptions, 'maxEpochs' | 'patience'>, stepsPerEpoch: number): { maxEpochs: number; patience: number } {
  const epochsFor = (steps: number) => Math.ceil(steps / Math.max(1, stepsPerEpoch));
  return {
    maxEpochs: options.maxEpochs ?? Math.max(trainDefaults.maxEpochs, epochsFor(trainDefaults.minSteps)),
    patience: options.patience ?? Math.max(trainDefaults.patience, epochsFor(trainDefaults.minPatienceSteps)),
  };
}

/**
 * The sparse path's table is [buckets x intents]: fewer buckets for bots with many intents keep it
 * near trainDefaults.sparseTableBytes (int8), so the bundle stays small.
 */
export function sparseBucketsFor(intents: number): number {
  const { featurizer, sparseTableBytes } = trainDefaults;
  let buckets = featurizer.sparseBuckets;
  while (buckets > 4096 && buckets * intents > sparseTableBytes) buckets /= 2;
  return buckets;
}

function balancedClassWeights(intents: Int32Array, classes: number): Float32Array {
  const counts = new Float32Array(classes);
  for (const intent of intents) counts[intent]!++;
  const mean = intents.length / classes;
  // Square root of inverse frequency, clipped: rare intents matter more without drowning the rest.
  return counts.map((count) => Math.min(5, Math.sqrt(mean / Math.max(count, 1))));
}

function trainStep(
  params: Parameters,
  crf: Crf | null,
  optimizer: tf.Optimizer,
  trainable: tf.Variable[],
  data: EncodedExamples,
  rowIndices: number[],
  classWeights: tf.Tensor1D,
  withEntities: boolean,
  random: () => number,
  regularization: Regularization,
  entityLossWeight: number,
): number {
  const { config } = params;
  const rows = takeRows(data, rowIndices, config.maxTokens, config.ngramsPerToken, config.sparseFeatures, config.tokenFeaturesPerToken);
  const b = rowIndices.length;
  // Word dropout: some known words become <unk>, so the model learns what to do with words it has
  // never seen (order numbers, names, typos) from their n-grams and context.
  for (let i = 0; i < rows.tokens.length; i++) {
    const rate = rows.tags[i]! > 0 ? regularization.entityWordDropout : regularization.wordDropout;
    if (rows.tokens[i]! > UNKNOWN_ID && random() < rate) rows.tokens[i] = UNKNOWN_ID;
  }
  for (let i = 0; i < rows.sparse.length; i++) {
    if (rows.sparse[i]! > 0 && random() < regularization.sparseDropout) rows.sparse[i] = 0;
  }
  return tf.tidy(() => {
    const batch = batchTensors(config, rows, b);
    const intents = tf.tensor1d(rows.intents, 'int32');
    const tags = tf.tensor2d(rows.tags, [b, rows.steps], 'int32');
    const cost = optimizer.minimize(
      () => {
        const out = forward(params, batch, { rate: regularization.dropout, entityHeadRate: regularization.entityHeadDropout, seed: () => Math.floor(random() * 2 ** 31) });
        const smoothing = regularization.labelSmoothing;
        const targets = tf.add(tf.mul(tf.oneHot(intents, config.intents), 1 - smoothing), smoothing / config.intents);
        const intentNll = tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(out.intentLogits)), 1));
        let loss = tf.div(tf.sum(tf.mul(intentNll, tf.gather(classWeights, intents))), b);
        if (withEntities) {
          // Per token either way, so the entity loss weighs the same against the intent loss.
          const tokens = tf.maximum(tf.sum(batch.mask), 1);
          const entityNll = crf
            ? tf.sum(crfNegativeLogLikelihood(crf, out.entityLogits, tags, batch.mask))
            : tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(tf.oneHot(tags, config.tags), tf.logSoftmax(out.entityLogits)), 2)), batch.mask));
          loss = tf.add(loss, tf.mul(tf.div(entityNll, tokens), entityLossWeight));
        }
        return loss as tf.Scalar;
      },
      true,
      trainable,
    );
    return cost!.dataSync()[0]!;
  });
}

/** Raw logits for many texts, in batches (inference mode). */
export function predictLogits(params: Parameters, featurizer: Featurizer, texts: readonly string[], batchSize = 256) {
  const { config } = params;
  const intent: Float32Array[] = [];
  const entity: Float32Array[] = [];
  const spans: Token[][] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const chunk = texts.slice(start, start + batchSize);
    const features = chunk.map((text) => featurizer.featurize(text));
    const { maxTokens: T, ngramsPerToken: K, sparseFeatures: S, tokenFeaturesPerToken: F } = config;
    const b = chunk.length;
    const rows = {
      steps: T,
      tokens: new Int32Array(b * T),
      mask: new Float32Array(b * T),
      ngrams: new Int32Array(b * T * K),
      sparse: new Int32Array(b * S),
      tokenFeatures: new Int32Array(b * T * F),
      intents: new Int32Array(b),
      tags: new Int32Array(b * T),
    };
    features.forEach((f, i) => {
      rows.tokens.set(f.tokens, i * T);
      rows.mask.set(f.mask, i * T);
      rows.ngrams.set(f.ngrams, i * T * K);
      rows.sparse.set(f.sparse, i * S);
      rows.tokenFeatures.set(f.tokenFeatures, i * T * F);
      spans.push(f.spans);
    });
    const [intentData, entityData] = tf.tidy(() => {
      const out = forward(params, batchTensors(config, rows, b));
      return [out.intentLogits.dataSync() as Float32Array, out.entityLogits.dataSync() as Float32Array];
    });
    for (let i = 0; i < b; i++) {
      intent.push(intentData.slice(i * config.intents, (i + 1) * config.intents));
      entity.push(entityData.slice(i * T * config.tags, (i + 1) * T * config.tags));
    }
  }
  return { intent, entity, spans };
}

function evaluateSplit(
  params: Parameters,
  featurizer: Featurizer,
  examples: readonly Example[],
  labels: readonly string[],
  tags: readonly string[],
  transitions: TagTransitions | null,
  temperature: number,
) {
  const logits = predictLogits(params, featurizer, examples.map((e) => e.text));
  let correct = 0;
  let truePositives = 0;
  let predicted = 0;
  let gold = 0;
  examples.forEach((example, i) => {
    const probabilities = softmax(logits.intent[i]!, temperature);
    if (labels[argmax(probabilities)] === example.intent) correct++;
    if (tags.length > 1) {
      const found = decodeEntities(logits.entity[i]!, tags, logits.spans[i]!, transitions);
      const goldKeys = new Set(example.entities.map((e) => `${e.entity}:${e.start}:${e.end}`));
      gold += goldKeys.size;
      predicted += found.length;
      truePositives += found.filter((e) => goldKeys.has(`${e.entity}:${e.start}:${e.end}`)).length;
    }
  });
  const precision = predicted ? truePositives / predicted : 0;
  const recall = gold ? truePositives / gold : 0;
  return {
    accuracy: examples.length ? correct / examples.length : 0,
    entityF1: tags.length > 1 ? (precision + recall ? (2 * precision * recall) / (precision + recall) : 0) : null,
  };
}

