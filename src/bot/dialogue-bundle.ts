/**
 * The dialogue part of bot.json: what the engine runs, taken from a validated definition (dialogueOf,
 * when training), and read back in the browser (parseDialogue).
 *
 * The browser does not run the definition's full schema again: `parley train` validated the
 * definition (names, bounds, references) before writing the bundle, and valibot's `for...in` would
 * take a page's Object.prototype methods for fields. It checks what the engine relies on, by own
 * properties only (src/check.ts): the sections and each entry's fields and types, with the defaults a
 * bundle from an older Parley may leave out. Its output type is the schema's, so the two cannot drift
 * apart in shape without the compiler saying so.
 */
import { boolean, either, isRecord, list, literal, map, nullable, number, object, optional, parseData, scalar, string, text, withDefault, type Parser, type Result } from '../check';
import { defaults } from '../defaults';
import type { BotDefinition } from './definition';
import type { Button, Condition, DialogueBot, Flow, Rule, Settings, Slot, Variation } from './dialogue-schema';
import { SLOT_TYPES } from './slot-types';

export function dialogueOf(definition: BotDefinition): DialogueBot {
  const intentTitles = Object.fromEntries(Object.entries(definition.intents).flatMap(([intent, { title }]) => (title ? [[intent, title]] : [])));
  const { slots, flows, rules, responses, settings } = definition;
  return { slots, flows, rules, responses, settings, intentTitles };
}

const condition: Parser<Condition> = map(
  either<Condition[string]>((value) => (isRecord(value) ? object({ above: optional(number), below: optional(number), set: optional(boolean) }) : nullable(scalar))),
);

const slot: Parser<Slot> = object({
  type: withDefault(literal(...SLOT_TYPES), 'text'),
  entity: optional(string),
  from_intent: optional(map(scalar)),
  from_text: withDefault(boolean, false),
  validate: optional(object({ pattern: optional(text), min: optional(number), max: optional(number), not_past: optional(boolean), one_of: optional(list(text)) })),
  ask: optional(string),
  invalid: optional(string),
  remember: withDefault(boolean, false),
});

const flow: Parser<Flow> = object({
  intent: string,
  slots: withDefault(list(string), []),
  confirm: optional(string),
  action: optional(string),
  cache_seconds: optional(number),
  handoff_if: optional(condition),
  done: optional(string),
  failed: optional(string),
  title: optional(text),
});

const rule: Parser<Rule> = object({ response: optional(string), handoff: withDefault(boolean, false), end: withDefault(boolean, false) });

const button: Parser<Button> = object({ title: text, payload: text });

const variation: Parser<Variation> = either<Variation>((value) => (typeof value === 'string' ? text : object({ text, buttons: optional(list(button)), if: optional(condition) })));

const SETTINGS = defaults.dialogueSettings;
const settings: Parser<Settings> = object({
  confidence_threshold: withDefault(number, SETTINGS.confidence_threshold),
  digression_threshold: withDefault(number, SETTINGS.digression_threshold),
  clarify_options: withDefault(number, SETTINGS.clarify_options),
  fallbacks_before_human: withDefault(number, SETTINGS.fallbacks_before_human),
  max_slot_attempts: withDefault(number, SETTINGS.max_slot_attempts),
  session_expiry_minutes: withDefault(number, SETTINGS.session_expiry_minutes),
  context_turns: withDefault(number, SETTINGS.context_turns),
  cancel_intent: withDefault(string, SETTINGS.cancel_intent),
  affirm_intent: withDefault(string, SETTINGS.affirm_intent),
  deny_intent: withDefault(string, SETTINGS.deny_intent),
});

const dialogue: Parser<DialogueBot> = object({
  slots: withDefault(map(slot), {}),
  flows: withDefault(map(flow), {}),
  rules: withDefault(map(rule), {}),
  responses: withDefault(map(list(variation, { length: 1, message: 'needs at least one variation' })), {}),
  settings: withDefault(settings, SETTINGS),
  intentTitles: withDefault(map(string), {}),
});

/** Reads the dialogue of a fetched bot.json; problems name the path inside it (`flows.refund.slots[0]: ...`). */
export function parseDialogue(data: unknown, source: string): Result<DialogueBot> {
  return parseData(dialogue, data, source);
}
