/**
 * The network of src/nlu/model-spec.ts written with raw TF.js ops (not the Layers API), so every
 * weight maps 1:1 to an ONNX initializer of the same name.
 */
import * as tf from '@tensorflow/tfjs';
import { LAYER_NORM_EPSILON, MASK_PENALTY, weightShapes, type ModelConfig, type Weights } from '../nlu/model-spec';
import { batchMatMul, dense, gatherRows, gelu, layerNorm, stopGradient, sumOfRows } from './ops';

export interface BatchTensors {
  tokens: tf.Tensor2D;
  mask: tf.Tensor2D;
  ngrams: tf.Tensor3D;
  sparse: tf.Tensor2D;
  tokenFeatures: tf.Tensor3D;
}

/** A batch as flat arrays, `steps` tokens per message (the trainer's rows, the spec's inputs). */
export interface BatchArrays {
  steps: number;
  tokens: Int32Array;
  mask: Float32Array;
  ngrams: Int32Array;
  sparse: Int32Array;
  tokenFeatures: Int32Array;
}

/** The batch's arrays as the tensors `forward` reads; `b` messages. */
export function batchTensors(config: ModelConfig, rows: BatchArrays, b: number): BatchTensors {
  const { ngramsPerToken: K, sparseFeatures: S, tokenFeaturesPerToken: F } = config;
  const T = rows.steps;
  return {
    tokens: tf.tensor2d(rows.tokens, [b, T], 'int32'),
    mask: tf.tensor2d(rows.mask, [b, T]),
    ngrams: tf.tensor3d(rows.ngrams, [b, T, K], 'int32'),
    sparse: tf.tensor2d(rows.sparse, [b, S], 'int32'),
    tokenFeatures: tf.tensor3d(rows.tokenFeatures, [b, T, F], 'int32'),
  };
}

export interface ModelOutputs {
  intentLogits: tf.Tensor2D;
  entityLogits: tf.Tensor3D;
}

export interface Parameters {
  config: ModelConfig;
  /** Trainable weights by spec name. */
  variables: Map<string, tf.Variable>;
  /** Frozen pretrained word vectors, [vocabSize, pretrainedDim]. */
  pretrained: tf.Tensor2D;
}

/** Tables whose row 0 is padding and must stay zero. */
const PADDED_TABLES = ['embed.vocab', 'embed.ngram', 'intent.sparse', 'entity.sparse'] as const;

/** Deterministic initialisation from a seed: scaled normal for matrices, ones/zeros for norms. */
export function initParameters(config: ModelConfig, pretrainedVectors: Float32Array, seed: number): Parameters {
  const variables = new Map<string, tf.Variable>();
  let offset = 0;
  for (const [name, shape] of weightShapes(config)) {
    if (name === 'embed.pretrained') continue;
    const seedOffset = offset++;
    // tidy frees the initial values; variables survive it.
    const variable = tf.tidy(() => {
      let value: tf.Tensor;
      if (name.endsWith('.gamma')) value = tf.ones(shape);
      else if (name.endsWith('bias') || name.endsWith('.beta')) value = tf.zeros(shape);
      // Tables start at zero and only the rows examples reach move: a token's n-grams cannot drown its
      // pretrained vector at the start, and rows no example reached stay zero, so the exporter drops
      // them (a small bot ships a third of its n-gram rows). The entity link starts silent.
      else if (name === 'embed.vocab' || name === 'embed.ngram' || name.endsWith('.sparse') || name === 'intent.entity') value = tf.zeros(shape);
      else {
        const std = name.startsWith('embed.') ? 1 / Math.sqrt(config.width) : 1 / Math.sqrt(shape[0]!);
        value = tf.truncatedNormal(shape, 0, std, 'float32', seed + seedOffset);
      }
      if ((PADDED_TABLES as readonly string[]).includes(name)) value = zeroFirstRow(value);
      return tf.variable(value, true, name);
    });
    variables.set(name, variable);
  }
  const pretrained = tf.tensor2d(pretrainedVectors, [config.vocabSize, config.pretrainedDim]);
  return { config, variables, pretrained };
}

/** Rebuilds parameters from exported weights (to evaluate a trained model with TF.js). */
export function parametersFromWeights(config: ModelConfig, weights: Weights): Parameters {
  const variables = new Map<string, tf.Variable>();
  let pretrained: tf.Tensor2D | undefined;
  for (const [name, shape] of weightShapes(config)) {
    const values = weights[name];
    if (!values) throw new Error(`the weights have no "${name}"`);
    if (name === 'embed.pretrained') pretrained = tf.tensor2d(values, shape as [number, number]);
    else variables.set(name, tf.variable(tf.tensor(values, shape), false));
  }
  return { config, variables, pretrained: pretrained! };
}

function zeroFirstRow(table: tf.Tensor): tf.Tensor {
  const rowMask = tf.concat([tf.zeros([1, 1]), tf.ones([table.shape[0]! - 1, 1])]);
  return tf.mul(table, rowMask);
}

/** Keeps padding rows at zero after an optimiser step (their gradient is zero, but Adam's is not exactly). */
export function clampPaddingRows(params: Parameters): void {
  for (const name of PADDED_TABLES) {
    const variable = params.variables.get(name)!;
    const clamped = tf.tidy(() => zeroFirstRow(variable));
    variable.assign(clamped);
    clamped.dispose();
  }
}

export interface DropoutOptions {
  rate: number;
  /** Dropout on the entity head's input (trainDefaults.entityHeadDropout says why it is separate). */
  entityHeadRate: number;
  /** Gives each dropout mask its own seed, so training is reproducible. */
  seed: () => number;
}

export function forward(params: Parameters, batch: BatchTensors, dropout?: DropoutOptions): ModelOutputs {
  const { config } = params;
  const w = (name: string) => {
    const variable = params.variables.get(name);
    if (!variable) throw new Error(`no weight named ${name}`);
    return variable;
  };
  const drop = (x: tf.Tensor, rate = dropout?.rate ?? 0) => (dropout && rate > 0 ? tf.dropout(x, rate, undefined, dropout.seed()) : x);
  const [batchSize, steps] = batch.tokens.shape;
  const { width, heads } = config;
  const headWidth = width / heads;

  let x = tf.add(
    tf.add(dense(gatherRows(params.pretrained, batch.tokens), w('embed.pretrained_proj') as tf.Tensor2D), gatherRows(w('embed.vocab') as tf.Tensor2D, batch.tokens)),
    sumOfRows(w('embed.ngram') as tf.Tensor2D, batch.ngrams),
  );
  // Batches may be shorter than maxTokens (the trainer groups messages by length); padding never
  // changes the outputs of real tokens, so this is exact.
  x = tf.add(x, steps === config.maxTokens ? w('embed.position') : tf.slice(w('embed.position'), [0, 0], [steps, width]));
  x = drop(layerNorm(x, w('embed.norm.gamma'), w('embed.norm.beta'), LAYER_NORM_EPSILON));

  // [B, 1, 1, T]: a large negative score for padded keys.
  const maskBias = tf.reshape(tf.mul(tf.sub(1, batch.mask), MASK_PENALTY), [batchSize, 1, 1, steps]);
  const splitHeads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [batchSize, steps, heads, headWidth]), [0, 2, 1, 3]);

  for (let l = 0; l < config.layers; l++) {
    const p = `layer${l}`;
    let h = layerNorm(x, w(`${p}.attn_norm.gamma`), w(`${p}.attn_norm.beta`), LAYER_NORM_EPSILON);
    const q = splitHeads(tf.add(dense(h, w(`${p}.attn.q`) as tf.Tensor2D), w(`${p}.attn.q_bias`)));
    const k = splitHeads(tf.add(dense(h, w(`${p}.attn.k`) as tf.Tensor2D), w(`${p}.attn.k_bias`)));
    const v = splitHeads(tf.add(dense(h, w(`${p}.attn.v`) as tf.Tensor2D), w(`${p}.attn.v_bias`)));
    const scores = tf.add(tf.mul(batchMatMul(q, tf.transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(headWidth)), maskBias);
    const context = batchMatMul(tf.softmax(scores), v);
    const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batchSize, steps, width]);
    x = tf.add(x, drop(tf.add(dense(merged, w(`${p}.attn.out`) as tf.Tensor2D), w(`${p}.attn.out_bias`))));

    h = layerNorm(x, w(`${p}.ffn_norm.gamma`), w(`${p}.ffn_norm.beta`), LAYER_NORM_EPSILON);
    const inner = gelu(tf.add(dense(h, w(`${p}.ffn.in`) as tf.Tensor2D), w(`${p}.ffn.in_bias`)));
    x = tf.add(x, drop(tf.add(dense(inner, w(`${p}.ffn.out`) as tf.Tensor2D), w(`${p}.ffn.out_bias`))));
  }
  x = layerNorm(x, w('final_norm.gamma'), w('final_norm.beta'), LAYER_NORM_EPSILON);

  const mask3 = tf.expandDims(batch.mask, 2);
  const pooled = tf.div(tf.sum(tf.mul(x, mask3), 1), tf.maximum(tf.sum(mask3, 1), 1));
  const sparseLogits = sumOfRows(w('intent.sparse') as tf.Tensor2D, batch.sparse);
  const entitySparse = sumOfRows(w('entity.sparse') as tf.Tensor2D, batch.tokenFeatures);
  const entityLogits = tf.add(tf.add(dense(drop(x, dropout?.entityHeadRate), w('entity.weight') as tf.Tensor2D), w('entity.bias')), entitySparse) as tf.Tensor3D;
  let intentLogits = tf.add(tf.add(dense(drop(pooled), w('intent.weight') as tf.Tensor2D), w('intent.bias')), sparseLogits) as tf.Tensor2D;
  if (config.tags > 1) {
    // The intent reads the entity head's findings but does not train it: the tags stay what the
    // entity loss makes them.
    const tagsFound = tf.max(tf.mul(tf.softmax(stopGradient(entityLogits)), mask3), 1);
    intentLogits = tf.add(intentLogits, dense(tagsFound, w('intent.entity') as tf.Tensor2D)) as tf.Tensor2D;
  }
  return { intentLogits, entityLogits };
}

/** Every weight as a plain array, by spec name (for export and the bundle). */
export function exportWeights(params: Parameters): Weights {
  const weights: Weights = { 'embed.pretrained': params.pretrained.dataSync() as Float32Array };
  for (const [name, variable] of params.variables) weights[name] = variable.dataSync() as Float32Array;
  return weights;
}
