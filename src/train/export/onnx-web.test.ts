import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web/wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../nlu/model-spec';
import { EMBEDDING_HEAVY_CONFIG, SMALL_CONFIG, batchWithMasks, randomBatch, randomWeights, sequenceOf } from './fixtures';
import { exportOnnx } from './onnx-graph';
import type { ForwardInputs } from './reference-forward';
import { maxAbsDiff, runModel } from './run-onnx';

// The widget runs one thread (threads need cross-origin isolation), so the tests do too.
beforeAll(() => {
  ortWeb.env.wasm.numThreads = 1;
});

const configs: Array<[string, ModelConfig]> = [
  ['small', SMALL_CONFIG],
  ['embedding-heavy', EMBEDDING_HEAVY_CONFIG],
  // Narrow pretrained vectors and general words no example moved: the split token table.
  ['split-token-table', { ...EMBEDDING_HEAVY_CONFIG, pretrainedDim: 24 }],
];

function weightsFor(label: string, config: ModelConfig) {
  const weights = randomWeights(config, 50, 0.1);
  if (label === 'split-token-table') weights['embed.vocab']!.fill(0, 700 * config.width);
  return weights;
}

// The first onnxruntime-web session compiles its wasm: seconds on a busy machine.
describe('the same model bytes in onnxruntime-web (wasm) and onnxruntime-node', { timeout: 60_000 }, () => {
  for (const [label, config] of configs) {
    for (const quantize of [false, true]) {
      // float32 must agree to rounding. int8 quantises activations at run time, and the two builds may
      // round an activation one step apart (seen on degenerate masks): a bounded, harmless difference.
      const bound = quantize ? 5e-2 : 1e-5;
      it(`agree within ${bound}: ${label} config, ${quantize ? 'int8' : 'float32'}`, async () => {
        const bytes = exportOnnx(config, weightsFor(label, config), { quantize });
        const T = config.maxTokens;
        const onlyOne = Array.from({ length: T }, (_, t) => (t === 1 ? 1 : 0));
        const gappy = Array.from({ length: T }, (_, t) => (t % 3 === 2 ? 0 : 1));
        const random = randomBatch(config, 9, 51);
        const batches: ForwardInputs[] = [random, sequenceOf(config, random, 4), batchWithMasks(config, [onlyOne, gappy], 52)];
        const [nodeSession, webSession] = await Promise.all([
          ortNode.InferenceSession.create(bytes),
          ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] }),
        ]);
        let worst = 0;
        for (const inputs of batches) {
          const fromNode = await runModel(ortNode, nodeSession, config, inputs);
          const fromWeb = await runModel(ortWeb, webSession, config, inputs);
          worst = Math.max(worst, maxAbsDiff(fromNode.intentLogits, fromWeb.intentLogits), maxAbsDiff(fromNode.entityLogits, fromWeb.entityLogits));
        }
        console.info(`node vs web, ${label} ${quantize ? 'int8' : 'float32'}: max |diff| ${worst.toExponential(2)}`);
        expect(worst).toBeLessThan(bound);
        await Promise.all([nodeSession.release(), webSession.release()]);
      });
    }
  }
});
