/**
 * The forward pass of src/nlu/model-spec.ts in plain loops: the executable spec that the trained model
 * and the exported ONNX graphs are checked against. Written to be read next to the spec, not to be fast;
 * sums are accumulated in doubles and stored as float32.
 */
import { LAYER_NORM_EPSILON, MASK_PENALTY, type ModelConfig, type Weights } from '../../nlu/model-spec';
import { checkWeights } from './check-weights';

/** One batch in the layout of the spec's inputs, row-major. */
export interface ForwardInputs {
  tokens: Int32Array; // [B, T]
  mask: Float32Array; // [B, T]
  ngrams: Int32Array; // [B, T, K]
  sparse: Int32Array; // [B, S]
  tokenFeatures: Int32Array; // [B, T, F]
  batch: number; // B
}

export interface ForwardOutputs {
  intentLogits: Float32Array; // [B, intents]
  entityLogits: Float32Array; // [B, T, tags]
}

export function referenceForward(config: ModelConfig, weights: Weights, inputs: ForwardInputs): ForwardOutputs {
  checkWeights(config, weights);
  checkInputs(config, inputs);
  const { maxTokens: T, width: W, layers } = config;
  const B = inputs.batch;
  const rows = B * T;
  const w = (name: string): Float32Array => weights[name]!;

  let x = embed(config, weights, inputs);
  x = layerNorm(x, rows, W, w('embed.norm.gamma'), w('embed.norm.beta'));

  for (let l = 0; l < layers; l++) {
    const p = `layer${l}`;
    let h = layerNorm(x, rows, W, w(`${p}.attn_norm.gamma`), w(`${p}.attn_norm.beta`));
    const q = linear(h, rows, W, w(`${p}.attn.q`), W, w(`${p}.attn.q_bias`));
    const k = linear(h, rows, W, w(`${p}.attn.k`), W, w(`${p}.attn.k_bias`));
    const v = linear(h, rows, W, w(`${p}.attn.v`), W, w(`${p}.attn.v_bias`));
    const context = attention(config, q, k, v, inputs.mask, B);
    x = add(x, linear(context, rows, W, w(`${p}.attn.out`), W, w(`${p}.attn.out_bias`)));

    h = layerNorm(x, rows, W, w(`${p}.ffn_norm.gamma`), w(`${p}.ffn_norm.beta`));
    const inner = linear(h, rows, W, w(`${p}.ffn.in`), config.ffnWidth, w(`${p}.ffn.in_bias`)).map(gelu);
    x = add(x, linear(inner, rows, config.ffnWidth, w(`${p}.ffn.out`), W, w(`${p}.ffn.out_bias`)));
  }
  x = layerNorm(x, rows, W, w('final_norm.gamma'), w('final_norm.beta'));

  const pooled = maskedMean(x, inputs.mask, B, T, W);
  const intentLogits = linear(pooled, B, W, w('intent.weight'), config.intents, w('intent.bias'));
  const sparseTable = w('intent.sparse');
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < config.intents; i++) {
      let sum = intentLogits[b * config.intents + i]!;
      for (let s = 0; s < config.sparseFeatures; s++) {
        const id = inputs.sparse[b * config.sparseFeatures + s]!;
        sum += sparseTable[id * config.intents + i]!;
      }
      intentLogits[b * config.intents + i] = sum;
    }
  }
  const entityLogits = linear(x, rows, W, w('entity.weight'), config.tags, w('entity.bias'));
  const entitySparse = w('entity.sparse');
  const F = config.tokenFeaturesPerToken;
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < F; f++) {
      const id = inputs.tokenFeatures[r * F + f]!;
      for (let tag = 0; tag < config.tags; tag++) entityLogits[r * config.tags + tag]! += entitySparse[id * config.tags + tag]!;
    }
  }
  if (config.tags > 1) addTagsFound(config, w('intent.entity'), entityLogits, inputs.mask, intentLogits, B);
  return { intentLogits, entityLogits };
}

/** pretrained[tokens] @ pretrained_proj + vocab[tokens] + sum_k ngram[ngrams[..., k]] + position[t], [B*T, W]. */
function embed(config: ModelConfig, weights: Weights, inputs: ForwardInputs): Float32Array {
  const { maxTokens: T, width: W, pretrainedDim: P, ngramsPerToken: K } = config;
  const rows = inputs.batch * T;
  const pretrained = weights['embed.pretrained']!;
  const projection = weights['embed.pretrained_proj']!;
  const vocab = weights['embed.vocab']!;
  const ngram = weights['embed.ngram']!;
  const position = weights['embed.position']!;
  const x = new Float32Array(rows * W);
  for (let r = 0; r < rows; r++) {
    const id = inputs.tokens[r]!;
    const t = r % T;
    for (let j = 0; j < W; j++) {
      let projected = 0;
      for (let d = 0; d < P; d++) projected += pretrained[id * P + d]! * projection[d * W + j]!;
      let sum = projected + vocab[id * W + j]!;
      for (let k = 0; k < K; k++) sum += ngram[inputs.ngrams[r * K + k]! * W + j]!;
      x[r * W + j] = sum + position[t * W + j]!;
    }
  }
  return x;
}

/** intent_logits[b] += max_t (softmax(entity_logits[b, t]) * mask[b, t]) @ intent.entity. */
function addTagsFound(config: ModelConfig, link: Float32Array, entityLogits: Float32Array, mask: Float32Array, intentLogits: Float32Array, B: number): void {
  const { maxTokens: T, tags, intents } = config;
  const probabilities = new Float64Array(tags);
  for (let b = 0; b < B; b++) {
    const found = new Float64Array(tags);
    for (let t = 0; t < T; t++) {
      for (let tag = 0; tag < tags; tag++) probabilities[tag] = entityLogits[(b * T + t) * tags + tag]!;
      softmaxInPlace(probabilities);
      for (let tag = 0; tag < tags; tag++) found[tag] = Math.max(found[tag]!, probabilities[tag]! * mask[b * T + t]!);
    }
    for (let i = 0; i < intents; i++) {
      let sum = intentLogits[b * intents + i]!;
      for (let tag = 0; tag < tags; tag++) sum += found[tag]! * link[tag * intents + i]!;
      intentLogits[b * intents + i] = sum;
    }
  }
}

/** Multi-head self-attention over each sequence; head h uses columns [h*D, (h+1)*D) of q, k and v. */
function attention(config: ModelConfig, q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array, B: number): Float32Array {
  const { maxTokens: T, width: W, heads: H } = config;
  const D = W / H;
  const context = new Float32Array(B * T * W);
  const scores = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const qRow = (b * T + i) * W + h * D;
        for (let j = 0; j < T; j++) {
          const kRow = (b * T + j) * W + h * D;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[qRow + d]! * k[kRow + d]!;
          scores[j] = dot / Math.sqrt(D) + (1 - mask[b * T + j]!) * MASK_PENALTY;
        }
        softmaxInPlace(scores);
        for (let d = 0; d < D; d++) {
          let sum = 0;
          for (let j = 0; j < T; j++) sum += scores[j]! * v[(b * T + j) * W + h * D + d]!;
          context[qRow + d] = sum;
        }
      }
    }
  }
  return context;
}

/** sum_t x[b, t] * mask[b, t] / max(sum_t mask[b, t], 1), [B, W]. */
function maskedMean(x: Float32Array, mask: Float32Array, B: number, T: number, W: number): Float32Array {
  const pooled = new Float32Array(B * W);
  for (let b = 0; b < B; b++) {
    let count = 0;
    for (let t = 0; t < T; t++) count += mask[b * T + t]!;
    for (let j = 0; j < W; j++) {
      let sum = 0;
      for (let t = 0; t < T; t++) sum += x[(b * T + t) * W + j]! * mask[b * T + t]!;
      pooled[b * W + j] = sum / Math.max(count, 1);
    }
  }
  return pooled;
}

/** x [rows, n] @ weight [n, m] + bias [m]. */
function linear(x: Float32Array, rows: number, n: number, weight: Float32Array, m: number, bias: Float32Array): Float32Array {
  const y = new Float32Array(rows * m);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < m; j++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[r * n + i]! * weight[i * m + j]!;
      y[r * m + j] = sum + bias[j]!;
    }
  }
  return y;
}

/** LayerNormalization over the last axis of x [rows, n] (biased variance, as ONNX and TF.js compute it). */
function layerNorm(x: Float32Array, rows: number, n: number, gamma: Float32Array, beta: Float32Array): Float32Array {
  const y = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[r * n + i]!;
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (x[r * n + i]! - mean) ** 2;
    variance /= n;
    const inverse = 1 / Math.sqrt(variance + LAYER_NORM_EPSILON);
    for (let i = 0; i < n; i++) y[r * n + i] = (x[r * n + i]! - mean) * inverse * gamma[i]! + beta[i]!;
  }
  return y;
}

function add(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((value, i) => value + b[i]!);
}

function softmaxInPlace(values: Float64Array): void {
  const max = Math.max(...values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] = Math.exp(values[i]! - max);
    sum += values[i]!;
  }
  for (let i = 0; i < values.length; i++) values[i]! /= sum;
}

/** Exact GELU: 0.5 x (1 + erf(x / sqrt 2)). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * Math.SQRT1_2));
}

/**
 * erf to double precision (JavaScript has none). Uses erf(x) = 2/sqrt(pi) e^(-x^2) sum_n (2x^2)^n x / (2n+1)!!,
 * whose terms are all positive, so nothing cancels; beyond |x| = 6, erf is +-1 in double precision.
 */
export function erf(x: number): number {
  if (x === 0 || Number.isNaN(x)) return x;
  if (Math.abs(x) >= 6) return Math.sign(x);
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; term !== 0 && Math.abs(term) > Math.abs(sum) * 1e-17; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}

function checkInputs(config: ModelConfig, inputs: ForwardInputs): void {
  const { batch: B } = inputs;
  if (!Number.isInteger(B) || B < 0) throw new Error(`batch must be a non-negative integer, got ${B}`);
  const expect = (name: string, length: number, wanted: number) => {
    if (length !== wanted) throw new Error(`input ${name} has ${length} values, expected ${wanted}`);
  };
  expect('tokens', inputs.tokens.length, B * config.maxTokens);
  expect('mask', inputs.mask.length, B * config.maxTokens);
  expect('ngrams', inputs.ngrams.length, B * config.maxTokens * config.ngramsPerToken);
  expect('sparse', inputs.sparse.length, B * config.sparseFeatures);
  expect('token_features', inputs.tokenFeatures.length, B * config.maxTokens * config.tokenFeaturesPerToken);
  const inRange = (name: string, ids: Int32Array, size: number) => {
    const bad = ids.findIndex((id) => id < 0 || id >= size);
    if (bad >= 0) throw new Error(`input ${name}[${bad}] = ${ids[bad]} is outside [0, ${size})`);
  };
  inRange('tokens', inputs.tokens, config.vocabSize);
  inRange('ngrams', inputs.ngrams, config.ngramBuckets);
  inRange('sparse', inputs.sparse, config.sparseBuckets);
  inRange('token_features', inputs.tokenFeatures, config.tokenFeatureBuckets);
}
