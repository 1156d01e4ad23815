/** A validated definition -> training examples and the runtime's rule-extractor definition. */
import type { ExtractorsDefinition } from '../nlu/extractors';
import type { BuiltinName } from '../nlu/extractors/defaults';
import type { BotDefinition } from './definition';
import { parseExample } from './definition';

export interface TrainingExample {
  text: string;
  intent: string;
  entities: Array<{ entity: string; start: number; end: number; value: string }>;
}

export function trainingExamples(definition: BotDefinition): TrainingExample[] {
  return Object.entries(definition.intents).flatMap(([intent, { examples }]) =>
    examples.map((raw) => {
      const parsed = parseExample(raw);
      if (!parsed.ok) throw new Error(`intents.${intent}: ${parsed.problem}`); // validation reports these first
      return { text: parsed.example.text, intent, entities: parsed.example.entities.map(({ entity, start, end, value }) => ({ entity, start, end, value })) };
    }),
  );
}

/** The definition's builtin types -> the extractor that finds them. */
const BUILTIN_EXTRACTOR: Record<string, BuiltinName> = {
  date: 'dates',
  time: 'dates',
  number: 'numbers',
  amount: 'amounts',
  email: 'emails',
  phone: 'phones',
  url: 'urls',
};

export function extractorsDefinition(definition: BotDefinition): ExtractorsDefinition {
  const regex: NonNullable<ExtractorsDefinition['regex']>[number][] = [];
  const lookups: NonNullable<ExtractorsDefinition['lookups']>[number][] = [];
  const builtins: BuiltinName[] = [];
  for (const [entity, spec] of Object.entries(definition.entities ?? {})) {
    if (!spec) continue;
    if (spec.regex !== undefined) regex.push({ entity, pattern: spec.regex, ...(spec.flags && { flags: spec.flags }) });
    if (spec.lookup) lookups.push({ entity, values: spec.lookup });
    const builtin = spec.builtin && BUILTIN_EXTRACTOR[spec.builtin];
    if (builtin && !builtins.includes(builtin)) builtins.push(builtin);
  }
  return { regex, lookups, builtins };
}
