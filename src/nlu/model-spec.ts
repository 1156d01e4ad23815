/**
 * The contract of Parley's intent/entity network, shared by the trainer (TF.js), the ONNX exporter and
 * the runtime. Every weight has one name, used for the TF.js variable and the ONNX initializer alike.
 *
 * Inputs (batch B, tokens T = maxTokens, n-grams per token K, sparse features per sentence S):
 *   tokens   int32   [B, T]     token ids into the vocabulary; 0 = padding, 1 = unknown word
 *   mask     float32 [B, T]     1 for a real token, 0 for padding
 *   ngrams   int32   [B, T, K]  hashed character n-gram buckets of each token; 0 = none
 *   sparse   int32   [B, S]     hashed sentence features (word uni/bi-grams, char n-grams); 0 = none
 *   token_features int32 [B, T, F]  hashed context features of each token (neighbouring words, shapes,
 *                              affixes) for the entity head's sparse path; 0 = none
 *
 * Forward (LN = LayerNormalization over the last axis, epsilon LAYER_NORM_EPSILON):
 *   x   = pretrained[tokens] @ pretrained_proj + vocab[tokens] + sum_k ngram[ngrams[..., k]] + position[t]
 *   x   = LN_embed(x)
 *   per layer (pre-LN):
 *     h = LN_attn(x); q,k,v = h @ W + b, split into `heads` heads of width/heads
 *     scores = q k^T / sqrt(width/heads) + (1 - mask)[b, ., ., t] * MASK_PENALTY; softmax over keys
 *     x = x + merge_heads(softmax(scores) v) @ out + out_bias
 *     h = LN_ffn(x); x = x + gelu(h @ in + in_bias) @ out + out_bias      (exact gelu, with erf)
 *   x   = LN_final(x)
 *   pooled        = sum_t x[b, t] * mask[b, t] / max(sum_t mask[b, t], 1)
 *   intent_logits = pooled @ intent.weight + intent.bias + sum_s intent.sparse[sparse[b, s]]   [B, I]
 *   entity_logits = x @ entity.weight + entity.bias + sum_f entity.sparse[token_features[b, t, f]]  [B, T, tags]
 *   with entity tags (tags > 1), the intent also hears which tags the entity head found:
 *   intent_logits += max_t (softmax(entity_logits[b, t]) * mask[b, t]) @ intent.entity          [B, I]
 *
 * The two sparse paths are linear models over hashed features next to the deep path, as DIET combines
 * sparse and dense features; the entity one is what a CRF's feature templates give a tagger. The
 * entity-to-intent term is the joint models' link: an unseen title tagged as a movie name points to a
 * movie intent.
 *
 * Row 0 of `embed.vocab`, `embed.pretrained`, `embed.ngram`, `intent.sparse` and `entity.sparse` is all
 * zeros (padding). The last three are hashed tables: a bundle keeps only the rows training moved, and
 * its featurizer maps each hash bucket to its row (src/nlu/kept-rows.ts), so `ngramBuckets`,
 * `sparseBuckets` and `tokenFeatureBuckets` here count the tables' rows, which can be fewer than the
 * featurizer's buckets.
 */
export const LAYER_NORM_EPSILON = 1e-5;
export const MASK_PENALTY = -1e4;
export const PAD_ID = 0;
export const UNKNOWN_ID = 1;

export interface ModelConfig {
  maxTokens: number;
  vocabSize: number;
  pretrainedDim: number;
  ngramBuckets: number;
  ngramsPerToken: number;
  sparseBuckets: number;
  sparseFeatures: number;
  tokenFeatureBuckets: number;
  tokenFeaturesPerToken: number;
  width: number;
  layers: number;
  heads: number;
  ffnWidth: number;
  intents: number;
  tags: number;
}

export const INPUT_NAMES = ['tokens', 'mask', 'ngrams', 'sparse', 'token_features'] as const;
export const OUTPUT_NAMES = ['intent_logits', 'entity_logits'] as const;

/** Name and shape of every weight, in a stable order. */
export function weightShapes(c: ModelConfig): Array<[name: string, shape: number[]]> {
  const shapes: Array<[string, number[]]> = [
    ['embed.pretrained', [c.vocabSize, c.pretrainedDim]],
    ['embed.pretrained_proj', [c.pretrainedDim, c.width]],
    ['embed.vocab', [c.vocabSize, c.width]],
    ['embed.ngram', [c.ngramBuckets, c.width]],
    ['embed.position', [c.maxTokens, c.width]],
    ['embed.norm.gamma', [c.width]],
    ['embed.norm.beta', [c.width]],
  ];
  for (let l = 0; l < c.layers; l++) {
    const p = `layer${l}`;
    shapes.push(
      [`${p}.attn_norm.gamma`, [c.width]],
      [`${p}.attn_norm.beta`, [c.width]],
      [`${p}.attn.q`, [c.width, c.width]],
      [`${p}.attn.q_bias`, [c.width]],
      [`${p}.attn.k`, [c.width, c.width]],
      [`${p}.attn.k_bias`, [c.width]],
      [`${p}.attn.v`, [c.width, c.width]],
      [`${p}.attn.v_bias`, [c.width]],
      [`${p}.attn.out`, [c.width, c.width]],
      [`${p}.attn.out_bias`, [c.width]],
      [`${p}.ffn_norm.gamma`, [c.width]],
      [`${p}.ffn_norm.beta`, [c.width]],
      [`${p}.ffn.in`, [c.width, c.ffnWidth]],
      [`${p}.ffn.in_bias`, [c.ffnWidth]],
      [`${p}.ffn.out`, [c.ffnWidth, c.width]],
      [`${p}.ffn.out_bias`, [c.width]],
    );
  }
  shapes.push(
    ['final_norm.gamma', [c.width]],
    ['final_norm.beta', [c.width]],
    ['intent.weight', [c.width, c.intents]],
    ['intent.bias', [c.intents]],
    ['intent.sparse', [c.sparseBuckets, c.intents]],
    ['entity.weight', [c.width, c.tags]],
    ['entity.bias', [c.tags]],
    ['entity.sparse', [c.tokenFeatureBuckets, c.tags]],
  );
  if (c.tags > 1) shapes.push(['intent.entity', [c.tags, c.intents]]);
  return shapes;
}

export type Weights = Record<string, Float32Array>;
