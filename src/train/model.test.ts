import { afterAll, describe, expect, it } from 'vitest';
import { SMALL_CONFIG, randomBatch, randomWeights } from './export/fixtures';
import { referenceForward } from './export/reference-forward';
import { maxAbsDiff } from './export/run-onnx';
import { batchTensors, forward, parametersFromWeights } from './model';

const C = SMALL_CONFIG;
const weights = randomWeights(C, 5, 0.3);
const params = parametersFromWeights(C, weights);
afterAll(() => {
  params.pretrained.dispose();
  params.variables.forEach((v) => v.dispose());
});

describe('forward (TF.js)', () => {
  const inputs = randomBatch(C, 3, 8);
  const out = forward(params, batchTensors(C, { ...inputs, steps: C.maxTokens }, inputs.batch));

  it('matches the executable spec', () => {
    const reference = referenceForward(C, weights, inputs);
    expect(maxAbsDiff(out.intentLogits.dataSync() as Float32Array, reference.intentLogits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.entityLogits.dataSync() as Float32Array, reference.entityLogits)).toBeLessThan(1e-4);
  });
});
