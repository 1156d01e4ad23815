/**
 * The light stage's parser: the same answer shape as the full parser (src/nlu/parse.ts) and the same
 * rule extractors, from the linear model alone. Learned entities (the network's tagger) come only with
 * the full stage, so a form asks for a value that only the network could have found.
 */
import type { NluBundle } from '../bundle';
import { extractEntities } from '../extractors';
import type { ExtractionContext, Extractor } from '../extractors/types';
import { createFeaturizer } from '../featurize';
import { MAX_PARSE_CHARS, nothingToRead, rankIntents, toParsed, type ParseResult } from '../parse';
import { tokenize } from '../tokenize';
import { createLightModel } from './light-model';

export interface LightParser {
  parse(text: string, context: ExtractionContext): ParseResult;
}

export function createLightParser(bundle: NluBundle, extractors: readonly Extractor[] = []): LightParser {
  const light = bundle.light;
  if (!light) throw new Error('this bundle has no light stage: retrain it with parley train');
  const featurizer = createFeaturizer(bundle.featurizer);
  const model = createLightModel(light, featurizer);
  return {
    parse(rawText, context) {
      const started = performance.now();
      const text = rawText.slice(0, MAX_PARSE_CHARS);
      if (tokenize(text, 1).length === 0) return nothingToRead(text, extractors, context, 'light', started, performance.now());
      const logits = model.logits(text);
      const ran = performance.now();
      const { intent, ranking } = rankIntents(logits, bundle.labels, bundle.outOfScopeLabel, light.temperature, light.threshold);
      const entities = extractEntities(text, extractors, context).map(toParsed);
      const end = performance.now();
      return { text, stage: 'light', intent, ranking, entities, timings: { featurizeMs: 0, modelMs: ran - started, decodeMs: end - ran, totalMs: end - started } };
    },
  };
}
