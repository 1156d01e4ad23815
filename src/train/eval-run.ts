/**
 * One evaluation run, as `parley eval` and the benchmark do it: train on a data set, compile to the
 * int8 ONNX bundle, then parse every test example with the runtime's parser (onnxruntime-web WASM in
 * Node, one thread) and score it.
 */
import type { ExtractionContext } from '../nlu/extractors';
import { compileNlu } from './compile';
import { evaluatePredictions, type EvaluationReport, type ParsedExample } from './evaluate';
import type { Example } from './examples';
import { percentile } from './latency';
import { createLightParser } from '../nlu/light/light-parser';
import { createNodeParser, type NodeRuntime } from './runtime-node';
import { trainModel, type TrainOptions } from './trainer';

export interface EvalRunReport extends EvaluationReport {
  train_seconds: number;
  model_bytes: number;
  bundle_bytes: number;
  parse_ms_p50: number;
  parse_ms_p95: number;
  threshold: number;
  /** In-scope accuracy if the threshold were 0 (only the trained out-of-scope class rejects). */
  in_scope_accuracy_without_threshold?: number;
  /** In-scope accuracy if nothing were ever rejected (the best intent that is not out of scope). */
  in_scope_closed_set_accuracy?: number;
  temperature: number;
  epochs: number;
  /** Epochs of the final fit on all training examples (null: none, the validation split was given). */
  refit_epochs: number | null;
  runtime: NodeRuntime;
  /** The light stage on the same test set (plain JavaScript; no learned entities). */
  light: LightStageFigures | null;
}

export interface LightStageFigures {
  intent_accuracy: number;
  in_scope_accuracy?: number;
  oos_recall?: number;
  intent_macro_f1: number;
  train_seconds: number;
  /** Bytes of its int8 table, and of its whole part of bot.json. */
  table_bytes: number;
  bundle_bytes: number;
  parse_ms_p50: number;
  parse_ms_p95: number;
  threshold: number;
}

export async function runEvaluation(options: TrainOptions & { test: readonly Example[]; runtime?: NodeRuntime; warmup?: number }): Promise<EvalRunReport> {
  const trained = await trainModel(options);
  const { bundle, model } = compileNlu(trained);
  const runtime = options.runtime ?? 'web-wasm';
  const parser = await createNodeParser(bundle, model, runtime);
  const context: ExtractionContext = { now: new Date(), timeZone: 'UTC', locale: 'en' };

  // onnxruntime-web needs many runs before its timings settle (see NLU facts).
  const warmup = options.warmup ?? 200;
  for (let i = 0; i < warmup; i++) await parser.parse(options.test[i % options.test.length]!.text, context);

  const predictions: ParsedExample[] = [];
  const latencies: number[] = [];
  // Where in-scope errors come from: the threshold, the out-of-scope class, or the intents themselves.
  const outOfScopeNames = new Set(['out_of_scope', trained.outOfScopeLabel ?? 'out_of_scope']);
  let inScope = 0;
  let rightWithoutThreshold = 0;
  let rightClosedSet = 0;
  for (const example of options.test) {
    const started = performance.now();
    const result = await parser.parse(example.text, context);
    latencies.push(performance.now() - started);
    const top = result.ranking[0];
    if (!outOfScopeNames.has(example.intent)) {
      inScope++;
      if (top?.name === example.intent) rightWithoutThreshold++;
      if (result.ranking.find((r) => !outOfScopeNames.has(r.name))?.name === example.intent) rightClosedSet++;
    }
    const isOutOfScope = result.intent.name === 'out_of_scope';
    predictions.push({
      intent: isOutOfScope ? (trained.outOfScopeLabel ?? 'out_of_scope') : result.intent.name,
      confidence: top?.confidence ?? 0,
      entities: result.entities.filter((e) => e.extractor === 'model'),
    });
  }
  const evaluation = evaluatePredictions(options.test, predictions, trained.outOfScopeLabel);
  return {
    light: bundle.light ? evaluateLightStage(bundle, options.test, context, trained.outOfScopeLabel, trained.light) : null,
    ...evaluation,
    train_seconds: Number(trained.trainSeconds.toFixed(1)),
    model_bytes: model.byteLength,
    bundle_bytes: model.byteLength + Buffer.byteLength(JSON.stringify(bundle)),
    parse_ms_p50: Number(percentile(latencies, 50).toFixed(3)),
    parse_ms_p95: Number(percentile(latencies, 95).toFixed(3)),
    threshold: trained.threshold,
    ...(trained.outOfScopeLabel !== null && inScope > 0
      ? { in_scope_accuracy_without_threshold: rightWithoutThreshold / inScope, in_scope_closed_set_accuracy: rightClosedSet / inScope }
      : {}),
    temperature: Number(trained.temperature.toFixed(3)),
    epochs: trained.history.length,
    refit_epochs: trained.refit?.epochs ?? null,
    runtime,
  };
}

function evaluateLightStage(bundle: Parameters<typeof createLightParser>[0], test: readonly Example[], context: ExtractionContext, outOfScopeLabel: string | null, trained: { tableBytes: number; seconds: number }): LightStageFigures {
  const parser = createLightParser(bundle);
  const latencies: number[] = [];
  const predictions: ParsedExample[] = test.map((example) => {
    const started = performance.now();
    const result = parser.parse(example.text, context);
    latencies.push(performance.now() - started);
    return { intent: result.intent.name === 'out_of_scope' ? (outOfScopeLabel ?? 'out_of_scope') : result.intent.name, confidence: result.ranking[0]?.confidence ?? 0, entities: [] };
  });
  const report = evaluatePredictions(test, predictions, outOfScopeLabel);
  return {
    intent_accuracy: report.intent_accuracy,
    ...(report.in_scope_accuracy !== undefined && { in_scope_accuracy: report.in_scope_accuracy }),
    ...(report.oos_recall !== undefined && { oos_recall: report.oos_recall }),
    intent_macro_f1: report.intent_macro_f1,
    train_seconds: Number(trained.seconds.toFixed(1)),
    table_bytes: trained.tableBytes,
    bundle_bytes: Buffer.byteLength(JSON.stringify(bundle.light)),
    parse_ms_p50: Number(percentile(latencies, 50).toFixed(3)),
    parse_ms_p95: Number(percentile(latencies, 95).toFixed(3)),
    threshold: bundle.light!.threshold,
  };
}
