/**
 * The checks `parley validate` adds to the schema: references between sections (a flow's slots, the
 * responses it names, a rule's intent), data problems (the same example under two intents, intents
 * with too few examples, imbalance) and templates naming unknown slots. Each with file and line.
 */
import { BUILTIN_RESPONSES } from '../dialogue/builtin-responses';
import type { Condition } from './dialogue-schema';
import { parseExample, type BotDefinition, type Locate, type Problem } from './definition';

/** Fewer examples than this per intent: the model cannot learn the intent reliably. */
export const MIN_EXAMPLES = 10;
/** The largest intent may have this many times the examples of the smallest. */
export const MAX_IMBALANCE = 8;

/** Slots the engine fills itself or that responses may name without a definition. */
const TEMPLATE_TOKENS = new Set(['capabilities', 'reason', 'question', 'flow_title', 'new_flow_title', 'slot_name']);

export function lintDefinition(definition: BotDefinition, locate: Locate): Problem[] {
  const problems: Problem[] = [];
  const error = (keys: Array<string | number>, message: string) => problems.push({ ...locate(keys), message, severity: 'error' });
  const warning = (keys: Array<string | number>, message: string) => problems.push({ ...locate(keys), message, severity: 'warning' });

  const intents = new Set(Object.keys(definition.intents));
  const slots = new Set(Object.keys(definition.slots));
  const responses = new Set(Object.keys(definition.responses));
  const learnedEntities = new Set<string>();
  for (const { examples } of Object.values(definition.intents)) {
    for (const example of examples) {
      const parsed = parseExample(example);
      if (parsed.ok) parsed.example.entities.forEach((e) => learnedEntities.add(e.entity));
    }
  }
  const entities = new Set([...Object.keys(definition.entities ?? {}), ...learnedEntities]);

  const needResponse = (keys: Array<string | number>, name: string | undefined) => {
    if (name !== undefined && !responses.has(name)) error(keys, `no response named "${name}" (add it under responses)`);
  };
  const needSlots = (keys: Array<string | number>, condition: Condition | undefined) => {
    for (const slot of Object.keys(condition ?? {})) if (!slots.has(slot)) error([...keys, slot], `no slot named "${slot}"`);
  };

  for (const [name, slot] of Object.entries(definition.slots)) {
    if (slot.entity && !entities.has(slot.entity)) error(['slots', name, 'entity'], `no entity named "${slot.entity}" (declare it under entities or mark it in examples)`);
    for (const intent of Object.keys(slot.from_intent ?? {})) if (!intents.has(intent)) error(['slots', name, 'from_intent', intent], `no intent named "${intent}"`);
    needResponse(['slots', name, 'ask'], slot.ask);
    needResponse(['slots', name, 'invalid'], slot.invalid);
    if (slot.validate?.pattern !== undefined) {
      try {
        new RegExp(slot.validate.pattern, 'u');
      } catch (cause) {
        error(['slots', name, 'validate', 'pattern'], `not a valid regular expression: ${(cause as Error).message}`);
      }
    }
    // A slot only the backend fills is fine until a flow asks the visitor for it.
    const askedBy = Object.entries(definition.flows).find(([, flow]) => flow.slots.includes(name))?.[0];
    if (askedBy && !slot.entity && !slot.from_text && !slot.from_intent) {
      warning(['slots', name], `flow "${askedBy}" asks for this slot but no reply can fill it (add entity, from_text or from_intent)`);
    }
    // Only the transformer tags a learned entity: while the light stage answers (it loads first, and is
    // all a Save-Data visitor gets), the form asks for the value and only from_text can take the reply.
    const ruled = Object.hasOwn(definition.entities ?? {}, slot.entity ?? '');
    if (askedBy && slot.entity && learnedEntities.has(slot.entity) && !ruled && !slot.from_text && !slot.from_intent) {
      warning(['slots', name], `flow "${askedBy}" fills this slot from "${slot.entity}", which only the transformer finds: while the light stage answers, a reply cannot fill it (add from_text: true, or a rule for "${slot.entity}" under entities)`);
    }
  }

  const triggers = new Map<string, string>();
  for (const [name, flow] of Object.entries(definition.flows)) {
    if (!intents.has(flow.intent)) error(['flows', name, 'intent'], `no intent named "${flow.intent}"`);
    const other = triggers.get(flow.intent);
    if (other) error(['flows', name, 'intent'], `intent "${flow.intent}" already starts flow "${other}"`);
    triggers.set(flow.intent, name);
    flow.slots.forEach((slot, index) => {
      if (!slots.has(slot)) error(['flows', name, 'slots', index], `no slot named "${slot}" (declare it under slots)`);
    });
    needResponse(['flows', name, 'confirm'], flow.confirm);
    needResponse(['flows', name, 'done'], flow.done);
    needResponse(['flows', name, 'failed'], flow.failed);
    needSlots(['flows', name, 'handoff_if'], flow.handoff_if);
    if (!flow.done && !flow.action) warning(['flows', name], 'the flow neither answers (done) nor calls an action');
  }

  for (const [intent, rule] of Object.entries(definition.rules)) {
    if (!intents.has(intent)) error(['rules', intent], `no intent named "${intent}"`);
    if (triggers.has(intent)) error(['rules', intent], `intent "${intent}" also starts flow "${triggers.get(intent)}": a rule or a flow, not both`);
    needResponse(['rules', intent, 'response'], rule.response);
    if (!rule.response && !rule.handoff && !rule.end) warning(['rules', intent], 'the rule does nothing (give it a response, handoff or end)');
  }

  for (const [name, variations] of Object.entries(definition.responses)) {
    variations.forEach((variation, index) => {
      const text = typeof variation === 'string' ? variation : variation.text;
      for (const [, token] of text.matchAll(/\{([a-z][a-z0-9_]*)\}/g)) {
        if (!slots.has(token!) && !TEMPLATE_TOKENS.has(token!)) error(['responses', name, index], `{${token}} is not a slot`);
      }
      if (typeof variation !== 'string') {
        needSlots(['responses', name, index, 'if'], variation.if);
        variation.buttons?.forEach((button, b) => {
          if (button.payload.startsWith('/') && !intents.has(button.payload.slice(1))) error(['responses', name, index, 'buttons', b, 'payload'], `no intent named "${button.payload.slice(1)}"`);
        });
      }
    });
    if (!(name in BUILTIN_RESPONSES) && variations.length < 2) warning(['responses', name], 'one variation only: 3 to 5 make the bot sound less robotic');
  }

  // The same example under two intents teaches the model two answers to one question.
  const seen = new Map<string, { intent: string; index: number }>();
  for (const [intent, { examples }] of Object.entries(definition.intents)) {
    examples.forEach((example, index) => {
      const parsed = parseExample(example);
      const key = (parsed.ok ? parsed.example.text : example).toLowerCase().replace(/\s+/g, ' ').trim();
      const first = seen.get(key);
      if (first && first.intent !== intent) error(['intents', intent, 'examples', index], `"${example}" is also an example of "${first.intent}" (examples[${first.index}])`);
      else if (!first) seen.set(key, { intent, index });
    });
  }

  const counts = Object.entries(definition.intents).map(([intent, { examples }]) => ({ intent, count: examples.length }));
  for (const { intent, count } of counts) {
    if (count < MIN_EXAMPLES) warning(['intents', intent, 'examples'], `${count} examples: at least ${MIN_EXAMPLES} are needed for the model to learn this intent`);
  }
  const largest = counts.reduce((a, b) => (b.count > a.count ? b : a));
  for (const { intent, count } of counts) {
    if (largest.count > MAX_IMBALANCE * count) warning(['intents', intent, 'examples'], `${count} examples against ${largest.count} for "${largest.intent}": heavily imbalanced, add examples here`);
  }
  return problems;
}
