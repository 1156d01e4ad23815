/**
 * Rule extractors: the entities found by rules rather than by the model. The bot's own regex and
 * lookup entities, and built-ins for dates and times, numbers, amounts of money, emails, phones and
 * URLs. Each extractor is one file with one interface (types.ts); merge.ts settles overlaps, between
 * extractors and with the model's entities; defaults.ts holds every default. Runs in the browser's
 * worker: no DOM, no Node.
 */
import { createAmountExtractor } from './amounts';
import { createDateExtractor } from './dates';
import { extractorDefaults, type BuiltinName } from './defaults';
import { createEmailExtractor } from './emails';
import { createLookupExtractor } from './lookup';
import { mergeEntities } from './merge';
import { createNumberExtractor } from './numbers';
import { createPhoneExtractor } from './phones';
import { createRegexExtractor } from './regex';
import type { ExtractedEntity, ExtractionContext, Extractor, LookupDefinition, RegexEntityDefinition } from './types';
import { createUrlExtractor } from './urls';

export type * from './types';
export { extractorDefaults, type BuiltinName } from './defaults';
export { mergeEntities } from './merge';
export { createRegexExtractor } from './regex';
export { createLookupExtractor } from './lookup';
export { createDateExtractor } from './dates';
export { createNumberExtractor } from './numbers';
export { createAmountExtractor } from './amounts';
export { createEmailExtractor } from './emails';
export { createPhoneExtractor } from './phones';
export { createUrlExtractor } from './urls';

/** The part of a bot's definition that sets up its rule extractors. */
export interface ExtractorsDefinition {
  regex?: readonly RegexEntityDefinition[];
  lookups?: readonly LookupDefinition[];
  /** The built-ins to run; all of them (extractorDefaults.builtins) when left out, none with []. */
  builtins?: readonly BuiltinName[];
}

const BUILTINS: Record<BuiltinName, () => Extractor> = {
  dates: createDateExtractor,
  numbers: createNumberExtractor,
  amounts: createAmountExtractor,
  emails: createEmailExtractor,
  phones: createPhoneExtractor,
  urls: createUrlExtractor,
};

/**
 * The extractors for a definition, the bot's own first: on spans of equal length and confidence,
 * merge keeps the earlier extractor's entity. Throws, naming the entity, on an invalid definition.
 */
export function createExtractors(definition: ExtractorsDefinition = {}): Extractor[] {
  const extractors: Extractor[] = [];
  if (definition.regex?.length) extractors.push(createRegexExtractor(definition.regex));
  if (definition.lookups?.length) extractors.push(createLookupExtractor(definition.lookups));
  for (const name of new Set(definition.builtins ?? extractorDefaults.builtins)) {
    const create = Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
    if (!create) throw new Error(`Unknown built-in extractor "${String(name)}"; use any of ${Object.keys(BUILTINS).join(', ')}.`);
    extractors.push(create());
  }
  return extractors;
}

/**
 * Runs every extractor on `text` and merges their entities into one list, sorted by start. One
 * extractor failing (a library bug on odd input) costs the message only that extractor's entities.
 */
export function extractEntities(text: string, extractors: readonly Extractor[], context: ExtractionContext): ExtractedEntity[] {
  return mergeEntities(
    extractors.map((extractor) => {
      try {
        return extractor.extract(text, context);
      } catch (error) {
        console.error(`[parley] the ${extractor.name} extractor failed on a message; its entities are skipped.`, error);
        return [];
      }
    }),
  );
}
