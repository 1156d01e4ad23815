import { describe, expect, it } from 'vitest';
import { SMALL_CONFIG, batchWithMasks, randomBatch, randomWeights, sequenceOf } from './fixtures';
import { erf, gelu, referenceForward } from './reference-forward';
import { maxAbsDiff } from './run-onnx';

const T = SMALL_CONFIG.maxTokens;
const K = SMALL_CONFIG.ngramsPerToken;

describe('erf and gelu', () => {
  it('match tabulated values', () => {
    const table: Array<[number, number]> = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3.5, 0.9999992569016276],
      [-1.5, -0.9661051464753108],
    ];
    for (const [x, value] of table) expect(erf(x)).toBeCloseTo(value, 14);
    expect(erf(0)).toBe(0);
    expect(erf(7)).toBe(1);
    expect(gelu(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(gelu(-3)).toBeCloseTo(-0.004049694, 9);
  });
});

describe('referenceForward', () => {
  const weights = randomWeights(SMALL_CONFIG, 11, 0.3);

  it('returns logits of the spec shapes', () => {
    const { intentLogits, entityLogits } = referenceForward(SMALL_CONFIG, weights, randomBatch(SMALL_CONFIG, 3, 1));
    expect(intentLogits).toHaveLength(3 * SMALL_CONFIG.intents);
    expect(entityLogits).toHaveLength(3 * T * SMALL_CONFIG.tags);
    expect([...intentLogits, ...entityLogits].every(Number.isFinite)).toBe(true);
  });

  it('computes each sequence independently of the rest of the batch', () => {
    const batch = randomBatch(SMALL_CONFIG, 4, 2);
    const together = referenceForward(SMALL_CONFIG, weights, batch);
    for (let b = 0; b < 4; b++) {
      const alone = referenceForward(SMALL_CONFIG, weights, sequenceOf(SMALL_CONFIG, batch, b));
      expect(alone.intentLogits).toEqual(together.intentLogits.slice(b * SMALL_CONFIG.intents, (b + 1) * SMALL_CONFIG.intents));
      expect(alone.entityLogits).toEqual(together.entityLogits.slice(b * T * SMALL_CONFIG.tags, (b + 1) * T * SMALL_CONFIG.tags));
    }
  });

  it('ignores what sits at padded positions, for intents and for real tokens', () => {
    const mask = [0, 1, 1, 0, 1, 0, 0, 0];
    const inputs = batchWithMasks(SMALL_CONFIG, [mask], 3);
    const scrambled = { ...inputs, tokens: inputs.tokens.slice(), ngrams: inputs.ngrams.slice() };
    mask.forEach((real, t) => {
      if (real) return;
      scrambled.tokens[t] = 7 + t;
      for (let k = 0; k < K; k++) scrambled.ngrams[t * K + k] = 3 + t + k;
    });
    const a = referenceForward(SMALL_CONFIG, weights, inputs);
    const b = referenceForward(SMALL_CONFIG, weights, scrambled);
    expect(a.intentLogits).toEqual(b.intentLogits);
    const tags = SMALL_CONFIG.tags;
    mask.forEach((real, t) => {
      const at = (logits: Float32Array) => logits.slice(t * tags, (t + 1) * tags);
      if (real) expect(at(a.entityLogits)).toEqual(at(b.entityLogits));
      else expect(maxAbsDiff(at(a.entityLogits), at(b.entityLogits))).toBeGreaterThan(0);
    });
  });

  it('pools with the masked mean, and a sequence without tokens pools to zero', () => {
    // final_norm.gamma = 0 makes every token's final state exactly final_norm.beta.
    const flat = { ...weights, 'final_norm.gamma': new Float32Array(SMALL_CONFIG.width), 'intent.entity': new Float32Array(SMALL_CONFIG.tags * SMALL_CONFIG.intents) };
    const beta = weights['final_norm.beta']!;
    const inputs = batchWithMasks(SMALL_CONFIG, [[1, 1, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]], 4);
    const { intentLogits } = referenceForward(SMALL_CONFIG, flat, inputs);
    const { intents, width, sparseFeatures: S } = SMALL_CONFIG;
    const intentWeight = weights['intent.weight']!;
    const sparseTable = weights['intent.sparse']!;
    for (let b = 0; b < 2; b++) {
      const pooledScale = b === 0 ? 1 : 0;
      for (let i = 0; i < intents; i++) {
        let expected = weights['intent.bias']![i]!;
        for (let j = 0; j < width; j++) expected += pooledScale * beta[j]! * intentWeight[j * intents + i]!;
        for (let s = 0; s < S; s++) expected += sparseTable[inputs.sparse[b * S + s]! * intents + i]!;
        expect(intentLogits[b * intents + i]).toBeCloseTo(expected, 5);
      }
    }
  });

  it('adds, for each tag, its highest probability over the real tokens times intent.entity', () => {
    const { tags, intents } = SMALL_CONFIG;
    // Every token's entity logits are entity.bias alone, so each tag's probability is softmax(bias).
    const bias = Float32Array.from({ length: tags }, (_, tag) => tag * 0.7);
    const plain = {
      ...weights,
      'entity.weight': new Float32Array(weights['entity.weight']!.length),
      'entity.sparse': new Float32Array(weights['entity.sparse']!.length),
      'entity.bias': bias,
    };
    const silent = { ...plain, 'intent.entity': new Float32Array(tags * intents) };
    const inputs = batchWithMasks(SMALL_CONFIG, [[1, 1, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]], 4);
    const heard = referenceForward(SMALL_CONFIG, plain, inputs).intentLogits;
    const unheard = referenceForward(SMALL_CONFIG, silent, inputs).intentLogits;
    const exp = Array.from(bias, Math.exp);
    const probabilities = exp.map((e) => e / exp.reduce((a, b) => a + b, 0));
    const link = weights['intent.entity']!;
    for (let i = 0; i < intents; i++) {
      const expected = probabilities.reduce((sum, p, tag) => sum + p * link[tag * intents + i]!, 0);
      expect(heard[i]! - unheard[i]!).toBeCloseTo(expected, 5);
      expect(heard[intents + i]).toBeCloseTo(unheard[intents + i]!, 6); // no real token, nothing heard
    }
  });

  it('rejects weights of the wrong size and ids outside the tables', () => {
    const inputs = randomBatch(SMALL_CONFIG, 1, 5);
    expect(() => referenceForward(SMALL_CONFIG, { ...weights, 'layer1.ffn.in': new Float32Array(3) }, inputs)).toThrow(/layer1\.ffn\.in/);
    const missing = Object.fromEntries(Object.entries(weights).filter(([name]) => name !== 'entity.bias'));
    expect(() => referenceForward(SMALL_CONFIG, missing, inputs)).toThrow(/entity\.bias/);
    const tokens = inputs.tokens.slice();
    tokens[0] = SMALL_CONFIG.vocabSize;
    expect(() => referenceForward(SMALL_CONFIG, weights, { ...inputs, tokens })).toThrow(/tokens/);
  });
});
