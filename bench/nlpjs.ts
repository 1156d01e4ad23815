/** The nlp.js baseline (node-nlp): the same train and test examples, the same scoring. */
import { createRequire } from 'node:module';
import type { ParsedExample } from '../src/train/evaluate';
import type { Example } from '../src/train/examples';

interface NlpManager {
  addDocument(locale: string, text: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, text: string): Promise<{ intent: string; score: number }>;
  export(minified?: boolean): string;
}

export async function runNlpJs(train: readonly Example[], test: readonly Example[], outOfScopeLabel: string | null) {
  const require = createRequire(import.meta.url);
  const { NlpManager } = require('node-nlp') as { NlpManager: new (settings: object) => NlpManager };
  const manager = new NlpManager({ languages: ['en'], forceNER: false, autoSave: false, nlu: { log: false } });
  const started = performance.now();
  for (const example of train) manager.addDocument('en', example.text, example.intent);
  await manager.train();
  const trainSeconds = (performance.now() - started) / 1000;
  const modelBytes = Buffer.byteLength(manager.export(true));
  const predictions: ParsedExample[] = [];
  const latencies: number[] = [];
  for (const example of test) {
    const t = performance.now();
    const result = await manager.process('en', example.text);
    latencies.push(performance.now() - t);
    // nlp.js answers "None" when nothing scores high enough: its out-of-scope.
    const intent = result.intent === 'None' ? (outOfScopeLabel ?? 'None') : result.intent;
    predictions.push({ intent, confidence: result.score, entities: [] });
  }
  return { predictions, trainSeconds, modelBytes, latencies };
}
