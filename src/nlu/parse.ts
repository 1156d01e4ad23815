/**
 * `parse(text)`: features -> model -> decoding -> rule extractors, merged into one answer with the
 * intent ranking, entities with confidences, and timings. The model runner and the extractors are
 * injected, so the same parser runs in the Web Worker, the CLI and the tests.
 */
import type { NluBundle } from './bundle';
import { decodeEntities, softmax } from './decode';
import { extractEntities } from './extractors';
import type { ExtractedEntity, ExtractionContext, Extractor } from './extractors/types';
import { createFeaturizer } from './featurize';
import type { ModelRunner } from './runtime/model-runner';

export const OUT_OF_SCOPE = 'out_of_scope';
/** Longer messages are cut before any work: a support question fits in far less. */
export const MAX_PARSE_CHARS = 2000;

export interface IntentScore {
  name: string;
  confidence: number;
}

export interface ParsedEntity {
  entity: string;
  value: ExtractedEntity['value'];
  text: string;
  start: number;
  end: number;
  confidence: number;
  /** "model" for entities the network tagged, else the rule extractor's name. */
  extractor: string;
}

/** Which model answered: the light stage (plain JavaScript) or the full one (the transformer). */
export type Stage = 'light' | 'full';

export interface ParseResult {
  text: string;
  stage: Stage;
  /** The intent, or `out_of_scope` when the model is not confident enough (or says so). */
  intent: IntentScore;
  /** Top 5 intents of the model, most likely first. */
  ranking: IntentScore[];
  entities: ParsedEntity[];
  timings: { featurizeMs: number; modelMs: number; decodeMs: number; totalMs: number };
}

export interface Parser {
  parse(text: string, context: ExtractionContext): Promise<ParseResult>;
}

export function createParser(bundle: NluBundle, runner: ModelRunner, extractors: readonly Extractor[] = []): Parser {
  const featurizer = createFeaturizer(bundle.featurizer);
  const now = () => performance.now();

  return {
    async parse(rawText, context) {
      const started = now();
      const text = rawText.slice(0, MAX_PARSE_CHARS);
      const features = featurizer.featurize(text);
      const featurized = now();
      if (features.spans.length === 0) return nothingToRead(text, extractors, context, 'full', started, featurized);
      const outputs = await runner.run(features);
      const ran = now();

      const { intent, ranking } = rankIntents(outputs.intentLogits, bundle.labels, bundle.outOfScopeLabel, bundle.temperature, bundle.threshold);

      const tagged: ExtractedEntity[] = decodeEntities(outputs.entityLogits, bundle.tags, features.spans, bundle.transitions).map((span) => ({
        ...span,
        value: text.slice(span.start, span.end),
        text: text.slice(span.start, span.end),
        extractor: 'model',
      }));
      const ruled = extractEntities(text, extractors, context);
      const entities = mergeModelAndRules(tagged, ruled).map(toParsed);
      const end = now();
      return { text, stage: 'full', intent, ranking, entities, timings: { featurizeMs: featurized - started, modelMs: ran - featurized, decodeMs: end - ran, totalMs: end - started } };
    },
  };
}

/** No token to read (only spaces or control characters): out of scope, with whatever the rules find. */
export function nothingToRead(text: string, extractors: readonly Extractor[], context: ExtractionContext, stage: Stage, started: number, featurized: number): ParseResult {
  const entities = extractEntities(text, extractors, context).map(toParsed);
  const end = performance.now();
  return { text, stage, intent: { name: OUT_OF_SCOPE, confidence: 1 }, ranking: [], entities, timings: { featurizeMs: featurized - started, modelMs: 0, decodeMs: end - featurized, totalMs: end - started } };
}

/**
 * Calibrated confidences (softmax at the temperature), the top 5, and the answer: out of scope when
 * the out-of-scope class wins or the top confidence is below the threshold. One rule for both stages.
 */
export function rankIntents(logits: ArrayLike<number>, labels: readonly string[], outOfScopeLabel: string | null, temperature: number, threshold: number): Pick<ParseResult, 'intent' | 'ranking'> {
  const probabilities = softmax(logits, temperature);
  const ranking = [...probabilities]
    .map((confidence, i) => ({ name: labels[i]!, confidence }))
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, 5);
  const top = ranking[0]!;
  const outOfScope = top.name === outOfScopeLabel || top.confidence < threshold;
  const intent = outOfScope ? { name: OUT_OF_SCOPE, confidence: top.name === outOfScopeLabel ? top.confidence : 1 - top.confidence } : top;
  return { intent, ranking };
}

/**
 * Rule entities win where they overlap a model entity of the same type (they carry a canonical value,
 * e.g. a resolved date); elsewhere both are kept.
 */
function mergeModelAndRules(model: ExtractedEntity[], rules: ExtractedEntity[]): ExtractedEntity[] {
  const overlaps = (a: ExtractedEntity, b: ExtractedEntity) => a.start < b.end && b.start < a.end;
  const kept = model.filter((m) => !rules.some((r) => r.entity === m.entity && overlaps(m, r)));
  return [...kept, ...rules].sort((a, b) => a.start - b.start || b.end - a.end);
}

export function toParsed(entity: ExtractedEntity): ParsedEntity {
  const { entity: name, value, text, start, end, confidence, extractor } = entity;
  return { entity: name, value, text, start, end, confidence, extractor };
}
