/**
 * Runs the ONNX model through onnxruntime (web in the worker, node in the CLI and benchmarks): both
 * share one API, so this adapter is written once against the small part of it that Parley uses.
 */
import type { Features } from '../featurize';
import type { ModelConfig } from '../model-spec';

export interface ModelOutputs {
  intentLogits: Float32Array;
  entityLogits: Float32Array;
}

export interface ModelRunner {
  run(features: Features): Promise<ModelOutputs>;
  dispose(): Promise<void>;
}

/** The slice of onnxruntime's API Parley uses (onnxruntime-web and onnxruntime-node both provide it). */
export interface OrtApi {
  InferenceSession: {
    create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession>;
  };
  Tensor: new (type: 'int32' | 'float32', data: Int32Array | Float32Array, dims: readonly number[]) => unknown;
}

interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
  release(): Promise<void>;
}

export async function createOrtRunner(ort: OrtApi, model: Uint8Array, config: ModelConfig, sessionOptions: Record<string, unknown> = {}): Promise<ModelRunner> {
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'all', ...sessionOptions });
  const { maxTokens: T, ngramsPerToken: K, sparseFeatures: S, tokenFeaturesPerToken: F } = config;
  return {
    async run(features) {
      const outputs = await session.run({
        tokens: new ort.Tensor('int32', features.tokens, [1, T]),
        mask: new ort.Tensor('float32', features.mask, [1, T]),
        ngrams: new ort.Tensor('int32', features.ngrams, [1, T, K]),
        sparse: new ort.Tensor('int32', features.sparse, [1, S]),
        token_features: new ort.Tensor('int32', features.tokenFeatures, [1, T, F]),
      });
      return {
        intentLogits: outputs.intent_logits!.data as Float32Array,
        entityLogits: outputs.entity_logits!.data as Float32Array,
      };
    },
    dispose: () => session.release(),
  };
}
