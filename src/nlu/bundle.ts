/**
 * The NLU part of a bot bundle (`bot.json` -> `nlu`): everything the runtime needs besides the model
 * bytes, written by `parley train` and validated when the runtime loads it.
 */
import * as v from 'valibot';
import type { FeaturizerConfig } from './featurize';
import { HASHED_TABLES, keptRowCount } from './kept-rows';
import type { ModelConfig } from './model-spec';

/** Written by this version; 3 added the compacted tables (featurizer.keptRows), 4 the light stage (`light`). */
export const NLU_BUNDLE_FORMAT = 4;
/** Still read: bundles of format 2 have whole tables, which the featurizer handles as before; 2 and 3 have no light stage. */
const READABLE_FORMATS = [2, 3, NLU_BUNDLE_FORMAT] as const;

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1));

const ModelConfigSchema = v.object({
  maxTokens: positiveInt,
  vocabSize: positiveInt,
  pretrainedDim: positiveInt,
  ngramBuckets: positiveInt,
  ngramsPerToken: positiveInt,
  sparseBuckets: positiveInt,
  sparseFeatures: positiveInt,
  tokenFeatureBuckets: positiveInt,
  tokenFeaturesPerToken: positiveInt,
  width: positiveInt,
  layers: positiveInt,
  heads: positiveInt,
  ffnWidth: positiveInt,
  intents: positiveInt,
  tags: positiveInt,
});

const FeaturizerSchema = v.object({
  maxTokens: positiveInt,
  ngramSizes: v.array(positiveInt),
  ngramsPerToken: positiveInt,
  ngramBuckets: positiveInt,
  sparseFeatures: positiveInt,
  sparseBuckets: positiveInt,
  sparseCharSizes: v.array(positiveInt),
  tokenFeaturesPerToken: positiveInt,
  tokenFeatureBuckets: positiveInt,
  vocabulary: v.array(v.string()),
  keptRows: v.optional(v.object({ ngrams: v.optional(v.string()), sparse: v.optional(v.string()), tokenFeatures: v.optional(v.string()) })),
});

const finite = v.pipe(v.number(), v.finite());

const LightStageSchema = v.object({
  buckets: v.pipe(positiveInt, v.minValue(2)),
  keptRows: v.string(),
  weights: v.string(),
  scales: v.array(finite),
  bias: v.array(finite),
  temperature: v.pipe(v.number(), v.minValue(0.01)),
  threshold: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
});

export const NluBundleSchema = v.object({
  format: v.picklist(READABLE_FORMATS),
  model: v.object({
    /** Path of the ONNX file, relative to bot.json. */
    file: v.string(),
    bytes: positiveInt,
    sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
    quantized: v.boolean(),
  }),
  config: ModelConfigSchema,
  featurizer: FeaturizerSchema,
  labels: v.pipe(v.array(v.string()), v.minLength(1)),
  tags: v.pipe(v.array(v.string()), v.minLength(1)),
  /** The entity CRF's learned transition scores; null when the model tags each token alone. */
  transitions: v.nullable(
    v.object({ start: v.array(v.number()), end: v.array(v.number()), matrix: v.array(v.number()) }),
  ),
  temperature: v.pipe(v.number(), v.minValue(0.01)),
  threshold: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  outOfScopeLabel: v.nullable(v.string()),
  /** The light stage (src/nlu/light/): absent from bundles before format 4. */
  light: v.optional(LightStageSchema),
});

export type NluBundle = Omit<v.InferOutput<typeof NluBundleSchema>, 'config' | 'featurizer'> & { config: ModelConfig; featurizer: FeaturizerConfig };

export function parseNluBundle(data: unknown, source: string): { ok: true; value: NluBundle } | { ok: false; problems: string[] } {
  const result = v.safeParse(NluBundleSchema, data);
  if (!result.success) {
    return { ok: false, problems: result.issues.map((issue) => `${source}: ${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`) };
  }
  const bundle = result.output;
  const problems: string[] = [];
  if (bundle.labels.length !== bundle.config.intents) problems.push(`${source}: labels: ${bundle.labels.length} labels for ${bundle.config.intents} model outputs`);
  if (bundle.tags.length !== bundle.config.tags) problems.push(`${source}: tags: ${bundle.tags.length} tags for ${bundle.config.tags} model outputs`);
  const transitions = bundle.transitions;
  if (transitions && (transitions.start.length !== bundle.tags.length || transitions.end.length !== bundle.tags.length || transitions.matrix.length !== bundle.tags.length ** 2)) {
    problems.push(`${source}: transitions: sizes do not match ${bundle.tags.length} tags`);
  }
  const light = bundle.light;
  if (light && (light.scales.length !== bundle.labels.length || light.bias.length !== bundle.labels.length)) problems.push(`${source}: light: ${light.bias.length} biases and ${light.scales.length} scales for ${bundle.labels.length} labels`);
  if (bundle.featurizer.vocabulary.length !== bundle.config.vocabSize) problems.push(`${source}: featurizer.vocabulary: ${bundle.featurizer.vocabulary.length} words for a vocabulary of ${bundle.config.vocabSize}`);
  const kept = bundle.featurizer.keptRows ?? {};
  for (const { kept: key, rows: field } of HASHED_TABLES) {
    const bitset = kept[key];
    const rows = bundle.config[field];
    const buckets = bundle.featurizer[field];
    if (bitset === undefined) {
      if (rows !== buckets) problems.push(`${source}: config.${field}: ${rows} rows for ${buckets} featurizer buckets and no featurizer.keptRows.${key}`);
      continue;
    }
    let keptRows: number | string;
    try {
      keptRows = keptRowCount(bitset, buckets);
    } catch (error) {
      keptRows = (error as Error).message;
    }
    if (keptRows !== rows) problems.push(`${source}: featurizer.keptRows.${key}: ${typeof keptRows === 'number' ? `${keptRows} rows` : keptRows}, but config.${field} is ${rows}`);
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: bundle };
}
