/**
 * The network of src/nlu/model-spec.ts as an ONNX graph (IR 8, opset 17) with a symbolic batch
 * dimension, using only operators that onnxruntime-web's WASM backend runs.
 */
import { INPUT_NAMES, LAYER_NORM_EPSILON, MASK_PENALTY, OUTPUT_NAMES, type ModelConfig, type Weights } from '../../nlu/model-spec';
import { checkWeights } from './check-weights';
import { GraphBuilder } from './onnx-builder';
import { weightOps, type Precision } from './onnx-weights';

/**
 * How the graph gets a token's embedding, `pretrained[v] @ pretrained_proj + vocab[v]` (the same
 * arithmetic each way):
 * - `separate`: the spec's tables, a lookup, a matmul and another lookup;
 * - `folded`: one [vocab x width] table of the sums;
 * - `split` (default): the sums for the words training moved (rows [0, moved) of `embed.vocab`, see
 *   trainedTokenRows) and, for the other words (general English words no example used), whose learned
 *   row is zero, only their pretrained vectors ([.. x pretrainedDim], narrower than the sums), projected
 *   in the graph; `folded` when every row moved or the pretrained vectors are not narrower.
 */
export type TokenTable = 'separate' | 'folded' | 'split';

export interface ExportOptions {
  /** int8 matrices and lookup tables (3-4x smaller when the tables dominate); float32 otherwise. */
  quantize: boolean;
  /** Default `split`. */
  tokenTable?: TokenTable;
  /** Bits per table and per matmul weight when quantising (see Precision; default EXPORT_PRECISION). */
  precision?: Precision;
}

/** `pretrained[v] @ pretrained_proj + vocab[v]` for every token id v: [vocabSize, width]. */
export function foldTokenEmbeddings(config: ModelConfig, weights: Weights): Float32Array {
  const { vocabSize: V, pretrainedDim: P, width: W } = config;
  const pretrained = weights['embed.pretrained']!;
  const projection = weights['embed.pretrained_proj']!;
  const folded = Float32Array.from(weights['embed.vocab']!);
  for (let v = 0; v < V; v++) {
    for (let p = 0; p < P; p++) {
      const value = pretrained[v * P + p]!;
      if (value === 0) continue;
      for (let c = 0; c < W; c++) folded[v * W + c]! += value * projection[p * W + c]!;
    }
  }
  return folded;
}

export const FOLDED_TOKEN_TABLE = 'embed.token';
/** `split`: the pretrained vectors of the words past the moved ones, after a zero row. */
export const GENERAL_TOKEN_TABLE = 'embed.general';

/**
 * The token ids below which every row of `embed.vocab` that training moved lies: 1 + the last id whose
 * learned row is not all zero (at least the two placeholders). The exporter's vocabulary order puts
 * those words first (trainedWordsFirst), so the ids above are the general words no example used.
 */
export function trainedTokenRows(config: ModelConfig, weights: Weights): number {
  const vocab = weights['embed.vocab']!;
  const W = config.width;
  for (let v = config.vocabSize - 1; v >= 2; v--) {
    for (let c = 0; c < W; c++) if (vocab[v * W + c] !== 0) return v + 1;
  }
  return 2;
}

/** The `split` tables: the folded rows [0, moved) and a zero row; a zero row and pretrained rows [moved, vocab). */
export function splitTokenTables(config: ModelConfig, weights: Weights, moved: number): { token: Float32Array; general: Float32Array } {
  const { vocabSize: V, pretrainedDim: P, width: W } = config;
  const token = new Float32Array((moved + 1) * W);
  token.set(foldTokenEmbeddings(config, weights).subarray(0, moved * W));
  const general = new Float32Array((V - moved + 1) * P);
  general.set(weights['embed.pretrained']!.subarray(moved * P, V * P), P);
  return { token, general };
}

/** Written to the model's metadata as `parley.model_spec`; bump when model-spec.ts changes. */
export const MODEL_SPEC_VERSION = '4';
export const BATCH_DIM = 'batch';

/**
 * The precision of the quantised export (docs/nlu.md, "A lighter model file"): 4 bits for the general
 * words' pretrained vectors, the n-gram table and the entity path's table, 5 for the intent path's (on
 * CLINC150, where it has a scale per row, 4 bits moved the top intent of 1.6% of the test messages), 6
 * for the folded rows of the words training moved, float16 row scales; the matmul weights keep 7 bits.
 */
export const EXPORT_PRECISION: Precision = {
  tableBits: { [GENERAL_TOKEN_TABLE]: 4, 'embed.ngram': 4, 'entity.sparse': 4, 'intent.sparse': 5, [FOLDED_TOKEN_TABLE]: 6 },
  halfRowScales: true,
};

export function exportOnnx(config: ModelConfig, weights: Weights, options: ExportOptions): Uint8Array {
  checkWeights(config, weights);
  const g = new GraphBuilder();
  const precision = options.precision ?? EXPORT_PRECISION;
  const moved = trainedTokenRows(config, weights);
  // Splitting pays when some rows never moved and the pretrained vectors are narrower than the sums.
  const splitPays = moved < config.vocabSize && config.pretrainedDim < config.width;
  const mode: TokenTable = (options.tokenTable ?? 'split') === 'split' ? (splitPays ? 'split' : 'folded') : options.tokenTable!;
  const derived: Weights = {};
  const derivedShapes: Array<[string, number[]]> = [];
  if (mode === 'folded') {
    derived[FOLDED_TOKEN_TABLE] = foldTokenEmbeddings(config, weights);
    derivedShapes.push([FOLDED_TOKEN_TABLE, [config.vocabSize, config.width]]);
  } else if (mode === 'split') {
    const { token, general } = splitTokenTables(config, weights, moved);
    Object.assign(derived, { [FOLDED_TOKEN_TABLE]: token, [GENERAL_TOKEN_TABLE]: general });
    derivedShapes.push([FOLDED_TOKEN_TABLE, [moved + 1, config.width]], [GENERAL_TOKEN_TABLE, [config.vocabSize - moved + 1, config.pretrainedDim]]);
  }
  const w = weightOps(g, config, { ...weights, ...derived }, options.quantize, derivedShapes, precision);
  const { maxTokens: T, ngramsPerToken: K, sparseFeatures: S, tokenFeaturesPerToken: F, width: W, heads: H } = config;
  const D = W / H;
  const B = BATCH_DIM;

  const [tokensName, maskName, ngramsName, sparseName, tokenFeaturesName] = INPUT_NAMES;
  const tokens = g.input(tokensName, 'int32', [B, T]);
  const mask = g.input(maskName, 'float32', [B, T]);
  const ngrams = g.input(ngramsName, 'int32', [B, T, K]);
  const sparse = g.input(sparseName, 'int32', [B, S]);
  const tokenFeatures = g.input(tokenFeaturesName, 'int32', [B, T, F]);

  const add = (a: string, b: string) => g.node('Add', [a, b]);
  const mul = (a: string, b: string) => g.node('Mul', [a, b]);
  const sum = (value: string, axis: number, keepDims: boolean) => g.node('ReduceSum', [value, g.int64s([axis])], { keepdims: keepDims ? 1 : 0 });
  const dense = (value: string, weight: string, bias: string) => add(w.matMul(value, weight), w.tensor(bias));
  const layerNorm = (value: string, prefix: string) =>
    g.node('LayerNormalization', [value, w.tensor(`${prefix}.gamma`), w.tensor(`${prefix}.beta`)], { axis: -1, epsilon: { float: LAYER_NORM_EPSILON } });
  const gelu = (value: string) =>
    mul(mul(value, add(g.node('Erf', [mul(value, g.scalar(Math.SQRT1_2))]), g.scalar(1))), g.scalar(0.5));
  // [B, T, W] -> [B, H, T, D] (perm [0, 2, 1, 3]) or [B, H, D, T] (perm [0, 2, 3, 1]); head h takes columns [h*D, (h+1)*D).
  const splitHeads = (value: string, perm: number[]) => g.node('Transpose', [g.node('Reshape', [value, g.int64s([-1, T, H, D])])], { perm });
  const mergeHeads = (value: string) => g.node('Reshape', [g.node('Transpose', [value], { perm: [0, 2, 1, 3] }), g.int64s([-1, T, W])]);

  // Embedding: [B, T, W].
  let x: string;
  if (mode === 'folded') x = w.lookup(FOLDED_TOKEN_TABLE, tokens);
  else if (mode === 'separate') x = add(w.matMul(w.lookup('embed.pretrained', tokens), 'embed.pretrained_proj'), w.lookup('embed.vocab', tokens));
  else {
    // Ids at or past `moved` read the zero row `moved` of the first table; ids below it read row 0 of the second.
    const movedIds = g.node('Min', [tokens, g.constant(new Int32Array([moved]), [])]);
    const generalIds = g.node('Max', [g.node('Sub', [tokens, g.constant(new Int32Array([moved - 1]), [])]), g.constant(new Int32Array([0]), [])]);
    x = add(w.lookup(FOLDED_TOKEN_TABLE, movedIds), w.floatMatMul(w.lookup(GENERAL_TOKEN_TABLE, generalIds), 'embed.pretrained_proj'));
  }
  x = add(x, sum(w.lookup('embed.ngram', ngrams), 2, false));
  x = add(x, w.constant('embed.position'));
  x = layerNorm(x, 'embed.norm');

  // [B, 1, 1, T]: MASK_PENALTY on padded keys, broadcast over heads and queries.
  const keyBias = g.node('Unsqueeze', [mul(g.node('Sub', [g.scalar(1), mask]), g.scalar(MASK_PENALTY)), g.int64s([1, 2])]);

  for (let l = 0; l < config.layers; l++) {
    const p = `layer${l}`;
    let h = layerNorm(x, `${p}.attn_norm`);
    const q = splitHeads(dense(h, `${p}.attn.q`, `${p}.attn.q_bias`), [0, 2, 1, 3]);
    const kT = splitHeads(dense(h, `${p}.attn.k`, `${p}.attn.k_bias`), [0, 2, 3, 1]); // [B, H, D, T]
    const v = splitHeads(dense(h, `${p}.attn.v`, `${p}.attn.v_bias`), [0, 2, 1, 3]);
    const scores = add(mul(g.node('MatMul', [q, kT]), g.scalar(1 / Math.sqrt(D))), keyBias);
    const context = g.node('MatMul', [g.node('Softmax', [scores], { axis: -1 }), v]);
    x = add(x, dense(mergeHeads(context), `${p}.attn.out`, `${p}.attn.out_bias`));

    h = layerNorm(x, `${p}.ffn_norm`);
    x = add(x, dense(gelu(dense(h, `${p}.ffn.in`, `${p}.ffn.in_bias`)), `${p}.ffn.out`, `${p}.ffn.out_bias`));
  }
  x = layerNorm(x, 'final_norm');

  // Masked mean over tokens: [B, W]. The [B, T, 1] mask also masks the entity tags below.
  const tokenMask = g.node('Unsqueeze', [mask, g.int64s([2])]);
  const tokenCount = g.node('Max', [sum(mask, 1, true), g.scalar(1)]);
  const pooled = g.node('Div', [sum(mul(x, tokenMask), 1, false), tokenCount]);

  const [intentName, entityName] = OUTPUT_NAMES;
  const entityDense = add(w.matMul(x, 'entity.weight'), w.tensor('entity.bias'));
  const entityLogits = g.node('Add', [entityDense, sum(w.lookup('entity.sparse', tokenFeatures), 2, false)], {}, entityName);
  const intentLogits = add(dense(pooled, 'intent.weight', 'intent.bias'), sum(w.lookup('intent.sparse', sparse), 1, false));
  if (config.tags > 1) {
    // The tags the entity head found anywhere in the message: [B, tags] (ReduceMax takes its axes as
    // an attribute up to opset 17).
    const tagProbabilities = mul(g.node('Softmax', [entityLogits], { axis: -1 }), tokenMask);
    const tagsFound = g.node('ReduceMax', [tagProbabilities], { axes: [1], keepdims: 0 });
    g.node('Add', [intentLogits, w.matMul(tagsFound, 'intent.entity')], {}, intentName);
  } else g.node('Identity', [intentLogits], {}, intentName);
  g.output(intentName, 'float32', [B, config.intents]);
  g.output(entityName, 'float32', [B, T, config.tags]);

  return g.toBytes({
    graphName: 'parley_nlu',
    docString: 'Parley intent and entity model; inputs, outputs and weights as in src/nlu/model-spec.ts.',
    metadata: { 'parley.model_spec': MODEL_SPEC_VERSION, 'parley.weights': options.quantize ? 'int8' : 'float32' },
  });
}
