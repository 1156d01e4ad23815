/** A trained model -> the runtime's NLU bundle (bot.json `nlu`) and the int8 ONNX model bytes. */
import { createHash } from 'node:crypto';
import { NLU_BUNDLE_FORMAT, type NluBundle } from '../nlu/bundle';
import { compactHashedTables, trainedWordsFirst } from './export/compact-tables';
import { exportOnnx } from './export/onnx-graph';
import type { TrainedModel } from './trainer';

export const MODEL_FILE = 'model.onnx';

export function compileNlu(trained: Omit<TrainedModel, 'light'> & { light?: TrainedModel['light'] }, { quantize = true }: { quantize?: boolean } = {}): { bundle: NluBundle; model: Uint8Array } {
  const { config, featurizer, weights } = trainedWordsFirst(compactHashedTables(trained));
  const model = exportOnnx(config, weights, { quantize });
  const bundle: NluBundle = {
    format: NLU_BUNDLE_FORMAT,
    model: { file: MODEL_FILE, bytes: model.byteLength, sha256: createHash('sha256').update(model).digest('hex'), quantized: quantize },
    config,
    featurizer,
    labels: trained.labels,
    tags: trained.tags,
    transitions: trained.transitions,
    temperature: trained.temperature,
    threshold: trained.threshold,
    outOfScopeLabel: trained.outOfScopeLabel,
    ...(trained.light && { light: trained.light.bundle }),
  };
  return { bundle, model };
}
