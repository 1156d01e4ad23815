/** Parses many texts with the TF.js network of a trained model (the trainer's view; the runtime uses ONNX). */
import { decodeEntities, softmax } from '../nlu/decode';
import { createFeaturizer } from '../nlu/featurize';
import type { ParsedExample } from './evaluate';
import { parametersFromWeights } from './model';
import { argmax } from './calibration';
import { ensureBackend, predictLogits, type TrainedModel } from './trainer';

export async function parseAllWithTfjs(model: TrainedModel, texts: readonly string[]): Promise<ParsedExample[]> {
  await ensureBackend();
  const params = parametersFromWeights(model.config, model.weights);
  try {
    const featurizer = createFeaturizer(model.featurizer);
    const logits = predictLogits(params, featurizer, texts);
    return texts.map((_, i) => interpret(model, logits.intent[i]!, logits.entity[i]!, logits.spans[i]!));
  } finally {
    params.pretrained.dispose();
    params.variables.forEach((v) => v.dispose());
  }
}

/** Logits -> intent (with the out-of-scope threshold) and entities: the same rule the runtime applies. */
export function interpret(model: TrainedModel, intentLogits: Float32Array, entityLogits: Float32Array, spans: Parameters<typeof decodeEntities>[2]): ParsedExample {
  const probabilities = softmax(intentLogits, model.temperature);
  const top = argmax(probabilities);
  const confidence = probabilities[top]!;
  const intent = model.outOfScopeLabel !== null && confidence < model.threshold ? model.outOfScopeLabel : model.labels[top]!;
  return { intent, confidence, entities: decodeEntities(entityLogits, model.tags, spans, model.transitions) };
}
