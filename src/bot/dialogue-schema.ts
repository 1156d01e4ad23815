/**
 * The dialogue half of a bot definition: slots, flows, rules, responses and settings. The engine
 * (src/dialogue/) runs on exactly this data, as it is written in the YAML and shipped in bot.json.
 */
import * as v from 'valibot';
import { defaults } from '../defaults';
import { SLOT_TYPES } from './slot-types';

const SETTINGS = defaults.dialogueSettings;

export const NAME = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and "_", starting with a letter'));
const TEXT = v.pipe(v.string(), v.minLength(1, 'must not be empty'));

export { SLOT_TYPES };

const ValidationSchema = v.strictObject({
  /** The value (as text) must match this regular expression. */
  pattern: v.optional(TEXT),
  /** Numbers and amounts: inclusive bounds. */
  min: v.optional(v.number()),
  max: v.optional(v.number()),
  /** Dates: today or later, in the visitor's time zone. */
  not_past: v.optional(v.boolean()),
  /** The value must be one of these (compared case-insensitively). */
  one_of: v.optional(v.pipe(v.array(TEXT), v.minLength(1, 'needs at least one value'))),
});

const SlotSchema = v.strictObject({
  type: v.optional(v.picklist(SLOT_TYPES, `one of ${SLOT_TYPES.join(', ')}`), 'text'),
  /** Filled from this entity whenever a message carries it. */
  entity: v.optional(NAME),
  /** Filled with a value when the message has this intent (e.g. affirm -> true). */
  from_intent: v.optional(v.record(NAME, v.union([v.string(), v.number(), v.boolean()]))),
  /** When the bot has just asked for this slot, the whole reply fills it. */
  from_text: v.optional(v.boolean(), false),
  validate: v.optional(ValidationSchema),
  /** Response that asks for the slot. */
  ask: v.optional(NAME),
  /** Response when a value fails validation; `{reason}` says why. */
  invalid: v.optional(NAME),
  /** Kept when its flow starts again ("and my other order?" forgets the order id, not the email). */
  remember: v.optional(v.boolean(), false),
});

/** `{ order_total: { above: 200 } }`: compares slot values. */
const ConditionSchema = v.record(
  NAME,
  v.union([
    v.string(),
    v.number(),
    v.boolean(),
    v.null(),
    v.strictObject({ above: v.optional(v.number()), below: v.optional(v.number()), set: v.optional(v.boolean()) }),
  ]),
);

const FlowSchema = v.strictObject({
  /** The intent that starts the flow. */
  intent: NAME,
  /** Slots to fill, asked in this order when missing. */
  slots: v.optional(v.array(NAME), []),
  /** Response asking a yes/no confirmation before the action (refunds, cancellations). */
  confirm: v.optional(NAME),
  /** Fulfillment action to call once the slots are filled (and confirmed). */
  action: v.optional(NAME),
  /** The action's answer may be reused for this long for the same slots (lookups, not writes). */
  cache_seconds: v.optional(v.pipe(v.number(), v.minValue(0))),
  /** Hand off to a person instead of the action when this holds (e.g. a refund above an amount). */
  handoff_if: v.optional(ConditionSchema),
  /** Response once the flow is done (after the action when there is one). */
  done: v.optional(NAME),
  /** Response when the action fails. */
  failed: v.optional(NAME),
  /** Short name for buttons and reminders ("your refund"). */
  title: v.optional(TEXT),
});

const RuleSchema = v.strictObject({
  response: v.optional(NAME),
  /** Hands the conversation to a person. */
  handoff: v.optional(v.boolean(), false),
  /** Ends the conversation (the slots are kept for the session). */
  end: v.optional(v.boolean(), false),
});

const ButtonSchema = v.strictObject({
  title: TEXT,
  /** `/intent` sends that intent; any other text is sent as if typed. */
  payload: TEXT,
});

const VariationSchema = v.union([
  TEXT,
  v.strictObject({ text: TEXT, buttons: v.optional(v.array(ButtonSchema)), if: v.optional(ConditionSchema) }),
]);

export const SettingsSchema = v.strictObject({
  /** Below this confidence the bot asks which of its top intents was meant. */
  confidence_threshold: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), SETTINGS.confidence_threshold),
  /**
   * While a form waits for an answer, another rule's or flow's intent must be this sure to interrupt
   * it; below, the message is taken as the answer (and re-asked with the reason if it is not one):
   * "bob at example" asked for an e-mail is a bad address, not a request for help at 0.55.
   */
  digression_threshold: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), SETTINGS.digression_threshold),
  /** How many intents a clarification offers. */
  clarify_options: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(5)), SETTINGS.clarify_options),
  /** Consecutive fallbacks before the bot offers a person. */
  fallbacks_before_human: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), SETTINGS.fallbacks_before_human),
  /** Failed answers to one slot before the bot gives up on the form and offers a person. */
  max_slot_attempts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), SETTINGS.max_slot_attempts),
  /** A session idle this long starts afresh. */
  session_expiry_minutes: v.optional(v.pipe(v.number(), v.minValue(1)), SETTINGS.session_expiry_minutes),
  /** Turns of history the engine keeps. */
  context_turns: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), SETTINGS.context_turns),
  /** Intent that leaves a form (the words cancel / stop / never mind always do). */
  cancel_intent: v.optional(NAME, SETTINGS.cancel_intent),
  affirm_intent: v.optional(NAME, SETTINGS.affirm_intent),
  deny_intent: v.optional(NAME, SETTINGS.deny_intent),
});

export const DialogueSchema = {
  slots: v.optional(v.record(NAME, SlotSchema), {}),
  flows: v.optional(v.record(NAME, FlowSchema), {}),
  rules: v.optional(v.record(NAME, RuleSchema), {}),
  responses: v.optional(v.record(NAME, v.pipe(v.array(VariationSchema), v.minLength(1, 'needs at least one variation'))), {}),
  settings: v.optional(SettingsSchema, {}),
};

export const DialogueBotSchema = v.object({ ...DialogueSchema, intentTitles: v.optional(v.record(v.string(), v.string()), {}) });

export type Slot = v.InferOutput<typeof SlotSchema>;
export type Flow = v.InferOutput<typeof FlowSchema>;
export type Rule = v.InferOutput<typeof RuleSchema>;
export type Condition = v.InferOutput<typeof ConditionSchema>;
export type Variation = v.InferOutput<typeof VariationSchema>;
export type Button = v.InferOutput<typeof ButtonSchema>;
export type Settings = v.InferOutput<typeof SettingsSchema>;
/** What the engine runs: the dialogue part of bot.json (defaults applied), plus intent titles for buttons. */
export type DialogueBot = v.InferOutput<typeof DialogueBotSchema>;
