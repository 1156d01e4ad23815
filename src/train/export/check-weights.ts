/** Fails early, with the weight's name, when weights or a config do not fit the model spec. */
import { weightShapes, type ModelConfig, type Weights } from '../../nlu/model-spec';

// A Record over every key, so a field added to ModelConfig cannot be forgotten here.
const CONFIG_FIELDS: Record<keyof ModelConfig, true> = {
  maxTokens: true,
  vocabSize: true,
  pretrainedDim: true,
  ngramBuckets: true,
  ngramsPerToken: true,
  sparseBuckets: true,
  sparseFeatures: true,
  tokenFeatureBuckets: true,
  tokenFeaturesPerToken: true,
  width: true,
  layers: true,
  heads: true,
  ffnWidth: true,
  intents: true,
  tags: true,
};

export function checkConfig(config: ModelConfig): void {
  for (const key of Object.keys(CONFIG_FIELDS) as Array<keyof ModelConfig>) {
    const value = config[key];
    if (!Number.isInteger(value) || value < 1) throw new Error(`config.${key} must be a positive integer, got ${String(value)}`);
  }
  if (config.width % config.heads !== 0) {
    throw new Error(`config.width (${config.width}) must be a multiple of config.heads (${config.heads})`);
  }
}

export function checkWeights(config: ModelConfig, weights: Weights): void {
  checkConfig(config);
  for (const [name, shape] of weightShapes(config)) {
    const values = weights[name];
    if (!values) throw new Error(`missing weight ${name}`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`weight ${name} has ${values.length} values, expected ${size} for shape [${shape.join(', ')}]`);
  }
}
