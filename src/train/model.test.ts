import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { SMALL_CONFIG, randomBatch, randomWeights } from './export/fixtures';
import { referenceForward, type ForwardInputs } from './export/reference-forward';
import { maxAbsDiff } from './export/run-onnx';
import { forward, parametersFromWeights } from './model';
import type { ModelConfig } from '../nlu/model-spec';

const C = SMALL_CONFIG;
const weights = randomWeights(C, 5, 0.3);
const params = parametersFromWeights(C, weights);
afterAll(() => {
  params.pretrained.dispose();
  params.variables.forEach((v) => v.dispose());
});

function run(config: ModelConfig, parameters: typeof params, inputs: ForwardInputs) {
  const { batch: B, maxTokens: T } = { ...config, batch: inputs.batch };
  return forward(parameters, {
    tokens: tf.tensor2d(inputs.tokens, [B, T], 'int32'),
    mask: tf.tensor2d(inputs.mask, [B, T]),
    ngrams: tf.tensor3d(inputs.ngrams, [B, T, config.ngramsPerToken], 'int32'),
    sparse: tf.tensor2d(inputs.sparse, [B, config.sparseFeatures], 'int32'),
    tokenFeatures: tf.tensor3d(inputs.tokenFeatures, [B, T, config.tokenFeaturesPerToken], 'int32'),
  });
}

describe('forward (TF.js)', () => {
  const inputs = randomBatch(C, 3, 8);
  const out = run(C, params, inputs);

  it('matches the executable spec', () => {
    const reference = referenceForward(C, weights, inputs);
    expect(maxAbsDiff(out.intentLogits.dataSync() as Float32Array, reference.intentLogits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.entityLogits.dataSync() as Float32Array, reference.entityLogits)).toBeLessThan(1e-4);
  });
});
