/**
 * Evaluation of a trained model on a labelled test set: the figures `parley eval` prints and writes
 * (intent accuracy, in-scope accuracy, out-of-scope recall, macro F1, entity micro F1, per intent,
 * most confused pairs, latency).
 */
import type { TaggedSpan } from '../nlu/decode';
import type { Example } from './examples';

export interface ParsedExample {
  intent: string;
  confidence: number;
  entities: TaggedSpan[];
}

export interface IntentRow {
  intent: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvaluationReport {
  examples: number;
  intent_accuracy: number;
  in_scope_accuracy?: number;
  oos_recall?: number;
  intent_macro_f1: number;
  entity_micro_f1?: number;
  entity_precision?: number;
  entity_recall?: number;
  per_intent: IntentRow[];
  confusions: Array<{ expected: string; predicted: string; count: number }>;
  /** Confidence of each prediction and whether it was right, for the histogram. */
  confidences: Array<{ confidence: number; correct: boolean }>;
}

export function evaluatePredictions(examples: readonly Example[], predictions: readonly ParsedExample[], outOfScopeLabel: string | null): EvaluationReport {
  const intents = [...new Set([...examples.map((e) => e.intent), ...predictions.map((p) => p.intent)])].sort();
  const truePositive = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  const goldCount = new Map<string, number>();
  const confusions = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let correct = 0;
  let inScope = 0;
  let inScopeCorrect = 0;
  let oos = 0;
  let oosCaught = 0;
  let entityGold = 0;
  let entityPredicted = 0;
  let entityCorrect = 0;
  const hasEntities = examples.some((e) => e.entities.length > 0);

  examples.forEach((example, i) => {
    const prediction = predictions[i]!;
    const right = prediction.intent === example.intent;
    bump(goldCount, example.intent);
    bump(predictedCount, prediction.intent);
    if (right) {
      correct++;
      bump(truePositive, example.intent);
    } else bump(confusions, `${example.intent}\u0000${prediction.intent}`);
    if (outOfScopeLabel !== null && example.intent === outOfScopeLabel) {
      oos++;
      if (right) oosCaught++;
    } else {
      inScope++;
      if (right) inScopeCorrect++;
    }
    if (hasEntities) {
      // An entity counts as correct only when type, start and end all match.
      const gold = new Set(example.entities.map((e) => `${e.entity}:${e.start}:${e.end}`));
      entityGold += gold.size;
      entityPredicted += prediction.entities.length;
      entityCorrect += prediction.entities.filter((e) => gold.has(`${e.entity}:${e.start}:${e.end}`)).length;
    }
  });

  const perIntent: IntentRow[] = intents.map((intent) => {
    const tp = truePositive.get(intent) ?? 0;
    const precision = tp / Math.max(predictedCount.get(intent) ?? 0, 1);
    const recall = tp / Math.max(goldCount.get(intent) ?? 0, 1);
    return { intent, support: goldCount.get(intent) ?? 0, precision, recall, f1: f1(precision, recall) };
  });
  const supported = perIntent.filter((row) => row.support > 0);
  const report: EvaluationReport = {
    examples: examples.length,
    intent_accuracy: correct / Math.max(examples.length, 1),
    intent_macro_f1: supported.reduce((sum, row) => sum + row.f1, 0) / Math.max(supported.length, 1),
    per_intent: perIntent,
    confusions: [...confusions.entries()]
      .map(([key, count]) => {
        const [expected, predicted] = key.split('\u0000') as [string, string];
        return { expected, predicted, count };
      })
      .sort((a, b) => b.count - a.count)
      .slice(0, 20),
    confidences: predictions.map((p, i) => ({ confidence: p.confidence, correct: p.intent === examples[i]!.intent })),
  };
  if (outOfScopeLabel !== null && oos > 0) {
    report.in_scope_accuracy = inScopeCorrect / Math.max(inScope, 1);
    report.oos_recall = oosCaught / oos;
  } else report.in_scope_accuracy = report.intent_accuracy;
  if (hasEntities) {
    report.entity_precision = entityCorrect / Math.max(entityPredicted, 1);
    report.entity_recall = entityCorrect / Math.max(entityGold, 1);
    report.entity_micro_f1 = f1(report.entity_precision, report.entity_recall);
  }
  return report;
}

function f1(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}
