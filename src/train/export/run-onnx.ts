/** Runs an exported model on a batch with onnxruntime (Node or web: both share one API). */
import type * as OrtModule from 'onnxruntime-web';
import { INPUT_NAMES, OUTPUT_NAMES, type ModelConfig } from '../../nlu/model-spec';
import type { ForwardInputs, ForwardOutputs } from './reference-forward';

export type Ort = Pick<typeof OrtModule, 'InferenceSession' | 'Tensor'>;
export type Session = OrtModule.InferenceSession;

export async function runModel(ort: Ort, session: Session, config: ModelConfig, inputs: ForwardInputs): Promise<ForwardOutputs> {
  const { maxTokens: T, ngramsPerToken: K, sparseFeatures: S, tokenFeaturesPerToken: F } = config;
  const B = inputs.batch;
  const [tokens, mask, ngrams, sparse, tokenFeatures] = INPUT_NAMES;
  const results = await session.run({
    [tokens]: new ort.Tensor('int32', inputs.tokens, [B, T]),
    [mask]: new ort.Tensor('float32', inputs.mask, [B, T]),
    [ngrams]: new ort.Tensor('int32', inputs.ngrams, [B, T, K]),
    [sparse]: new ort.Tensor('int32', inputs.sparse, [B, S]),
    [tokenFeatures]: new ort.Tensor('int32', inputs.tokenFeatures, [B, T, F]),
  });
  const [intent, entity] = OUTPUT_NAMES;
  return {
    intentLogits: floats(results[intent], intent, [B, config.intents]),
    entityLogits: floats(results[entity], entity, [B, T, config.tags]),
  };
}

function floats(tensor: OrtModule.Tensor | undefined, name: string, dims: number[]): Float32Array {
  if (!tensor || !(tensor.data instanceof Float32Array)) throw new Error(`output ${name} is missing or not float32`);
  if (tensor.dims.join() !== dims.join()) throw new Error(`output ${name} has shape [${tensor.dims.join(', ')}], expected [${dims.join(', ')}]`);
  return tensor.data;
}

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
