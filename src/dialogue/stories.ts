/**
 * Conversation tests ("stories"), as `parley test` runs them: what the visitor says or presses, what
 * the bot must answer and do, scripted fulfillment results. The runner is pure apart from the parser,
 * which is injected (the trained model in the CLI, a fake in unit tests).
 */
import * as v from 'valibot';
import { readYamlFile, type Problem } from '../bot/definition';
import type { DialogueBot } from '../bot/dialogue-schema';
import { initialState, OUT_OF_SCOPE, step } from './engine';
import type { DialogueAction, DialogueEvent, DialogueState, SlotValue, Understood } from './types';

const Scalar = v.union([v.string(), v.number(), v.boolean()]);

/**
 * Text the author typed: YAML reads `user: 12345` or `contains: yes` as a number or a boolean, so the
 * message says to quote it.
 */
const typed = (field: string) =>
  v.string((issue) =>
    `${field === 'user' ? 'the message' : field} must be text${
      typeof issue.input === 'number' || typeof issue.input === 'boolean' ? `: YAML reads ${String(issue.input)} as a ${typeof issue.input}, so quote it (${field}: "${String(issue.input)}")` : ''
    }`,
  );

const STEPS = {
  user: v.strictObject({
    user: typed('user'),
    intent: v.optional(v.string()),
    entities: v.optional(v.record(v.string(), Scalar)),
    /**
     * The intents to take this message as, with their confidences, instead of the model's: a story
     * about the dialogue's own rules (a clarification below confidence_threshold) then holds whatever
     * a retrained model makes of the words. Entities still come from the model and the rules.
     */
    understood: v.optional(
      v.pipe(
        v.record(v.string(), v.pipe(v.number(), v.minValue(0, 'a confidence from 0 to 1'), v.maxValue(1, 'a confidence from 0 to 1'))),
        v.check((ranking) => Object.keys(ranking).length > 0, 'name at least one intent with its confidence, e.g. { refund_request: 0.4 }'),
      ),
    ),
  }),
  button: v.strictObject({ button: typed('button') }),
  bot: v.strictObject({ bot: v.string(), contains: v.optional(typed('contains')) }),
  action: v.strictObject({ action: v.string(), slots: v.optional(v.record(v.string(), Scalar)) }),
  fulfillment: v.strictObject({
    fulfillment: v.union([
      v.strictObject({ ok: v.literal(true), slots: v.optional(v.record(v.string(), v.nullable(Scalar))) }),
      v.strictObject({ ok: v.literal(false), message: v.optional(v.string()) }),
    ]),
  }),
  handoff: v.strictObject({ handoff: v.literal(true) }),
  end: v.strictObject({ end: v.literal(true) }),
  slots: v.strictObject({ slots: v.record(v.string(), v.nullable(Scalar)) }),
};
/** The key that says what a step is, in this order: an `action:` step may also have `slots:`. */
const STEP_KEYS = ['user', 'button', 'bot', 'action', 'fulfillment', 'handoff', 'end', 'slots'] as const;
const NOT_A_STEP = v.custom<never>(() => false, `a step is a map with one of ${STEP_KEYS.map((key) => `${key}:`).join(', ')}`);

/** Each step is read by the schema its key names, so a problem is told for that step's fields (a union would only say that no kind fits). */
const StepSchema = v.lazy((input) => {
  const kind = typeof input === 'object' && input !== null ? STEP_KEYS.find((key) => Object.hasOwn(input, key)) : undefined;
  return kind ? STEPS[kind] : NOT_A_STEP;
});

export const StoriesSchema = v.strictObject({
  /** The clock of every story (dates such as "tomorrow" resolve against it); now by default. */
  now: v.optional(v.pipe(v.string(), v.isoTimestamp('an ISO timestamp such as 2026-11-22T10:00:00Z'))),
  stories: v.pipe(
    v.array(v.strictObject({ name: v.pipe(v.string(), v.minLength(1)), steps: v.pipe(v.array(StepSchema), v.minLength(1, 'a story needs steps')) })),
    v.minLength(1, 'no stories'),
  ),
});

export type Stories = v.InferOutput<typeof StoriesSchema>;

/** Reads a conversation tests file (`bots/acme.tests.yaml`); problems point at the file, line and path, like the definition's. */
export function readStories(source: string, file: string): { ok: true; stories: Stories } | { ok: false; problems: Problem[] } {
  const yaml = readYamlFile(file, source);
  if (!yaml.ok) return yaml;
  const result = v.safeParse(StoriesSchema, yaml.data);
  if (result.success) return { ok: true, stories: result.output };
  return { ok: false, problems: result.issues.map((issue) => ({ ...yaml.locate((issue.path ?? []).map((item) => item.key as string | number)), message: issue.message })) };
}
export type Story = Stories['stories'][number];
export type StoryStep = Story['steps'][number];

export interface StoryFailure {
  step: number;
  expected: string;
  actual: string;
}

/**
 * A reading the story passed on but that sits near a decision: another model trained from the same
 * examples (a new seed, one more example) may well read it otherwise and fail the story.
 */
export interface CloseCall {
  step: number;
  text: string;
  /** Which decision it sits near, with the confidences. */
  why: string;
}

/** How near a decision a reading may come before `parley test` points it out. */
export const CLOSE_CALL = {
  /** Top intent and the next one in the ranking closer than this. */
  margin: 0.15,
  /** The top confidence closer than this to confidence_threshold, digression_threshold or the model's out-of-scope threshold. */
  threshold: 0.1,
} as const;

export interface StoryResult {
  name: string;
  passed: boolean;
  failure?: StoryFailure;
  /** Readings of the model (not `understood:` ones) near a decision, up to the end or the failure. */
  closeCalls: CloseCall[];
  /** The conversation up to the failure (or the whole story), one line per turn. */
  transcript: string[];
}

export type ParseText = (text: string, now: number) => Promise<Understood>;

const describeAction = (action: DialogueAction): string => {
  switch (action.type) {
    case 'say':
    case 'ask':
      return `bot: ${action.response} ("${action.text}")`;
    case 'call_fulfillment':
      return `action: ${action.action} ${JSON.stringify(action.slots)}`;
    case 'handoff':
      return `handoff (${action.reason})`;
    case 'end':
      return 'end';
    case 'set_slot':
      return `set ${action.slot}`;
  }
};

const describeStep = (s: StoryStep): string => JSON.stringify(s);

/** The model's parse with the story's ranking in place of its intents (entities kept). */
function understoodAs(parse: Understood, given: Record<string, number>): Understood {
  const ranking = Object.entries(given)
    .map(([name, confidence]) => ({ name, confidence }))
    .sort((a, b) => b.confidence - a.confidence);
  return { ...parse, intent: ranking[0]!, ranking };
}

/**
 * The readings a model trained from the same examples could as well have given (CLOSE_CALL): the
 * next intent on top, or the top confidence just across one of the dialogue's thresholds
 * (`confidence_threshold`, `digression_threshold`) or the model's out-of-scope threshold. Each with
 * why it is near.
 */
export function nearbyReadings(parse: Understood, dialogueThresholds: Record<string, number>, outOfScopeThreshold: number): Array<{ why: string; parse: Understood }> {
  const [top, next] = parse.ranking;
  if (!top) return [];
  const shown = (r: { name: string; confidence: number }) => `${r.name} ${r.confidence.toFixed(2)}`;
  const nearby: Array<{ why: string; parse: Understood }> = [];
  if (next && top.confidence - next.confidence < CLOSE_CALL.margin) {
    nearby.push({ why: `${shown(top)}, ${shown(next)} next`, parse: { ...parse, intent: { name: next.name, confidence: top.confidence }, ranking: [next, top, ...parse.ranking.slice(2)] } });
  }
  const declined = parse.intent.name === OUT_OF_SCOPE && top.name !== OUT_OF_SCOPE;
  if (top.name !== OUT_OF_SCOPE && outOfScopeThreshold > 0 && Math.abs(top.confidence - outOfScopeThreshold) < CLOSE_CALL.threshold) {
    nearby.push({
      why: `${shown(top)}, near the model's out-of-scope threshold ${outOfScopeThreshold.toFixed(2)}`,
      parse: { ...parse, intent: declined ? top : { name: OUT_OF_SCOPE, confidence: 1 - top.confidence } },
    });
  }
  for (const [setting, threshold] of Object.entries(dialogueThresholds)) {
    if (declined || top.name === OUT_OF_SCOPE || Math.abs(top.confidence - threshold) >= CLOSE_CALL.threshold) continue;
    // Just across: below a threshold is short of it, at it is enough.
    const across = top.confidence >= threshold ? Math.max(0, threshold - 0.01) : threshold;
    nearby.push({ why: `${shown(top)}, near ${setting} ${threshold}`, parse: { ...parse, intent: { name: top.name, confidence: across } } });
  }
  return nearby;
}

/**
 * Why the message is a close call, or null: the first nearby reading the bot would answer otherwise
 * (the engine is pure, so it is simply asked). A bare answer to a form's question, which fills the
 * slot whatever the intent, is never one.
 */
function closeCallOf(bot: DialogueBot, state: DialogueState, event: Extract<DialogueEvent, { type: 'message' }>, outOfScopeThreshold: number): string | null {
  const answer = JSON.stringify(step(bot, state, event).actions);
  const { confidence_threshold, digression_threshold } = bot.settings;
  const nearby = nearbyReadings(event.parse, { confidence_threshold, digression_threshold }, outOfScopeThreshold);
  return nearby.find((reading) => JSON.stringify(step(bot, state, { ...event, parse: reading.parse }).actions) !== answer)?.why ?? null;
}

export interface StoryOptions {
  /** The trained model's out-of-scope threshold (0: none), for CloseCall. */
  outOfScopeThreshold?: number;
}

export async function runStory(bot: DialogueBot, story: Story, parseText: ParseText, now: number, options: StoryOptions = {}): Promise<StoryResult> {
  let state: DialogueState = initialState(`story:${story.name}`, now);
  const pending: DialogueAction[] = [];
  let lastAction: string | null = null;
  const transcript: string[] = [];
  const closeCalls: CloseCall[] = [];
  const fail = (index: number, expected: string, actual: string): StoryResult => ({ name: story.name, passed: false, failure: { step: index + 1, expected, actual }, transcript, closeCalls });

  const feed = (event: DialogueEvent) => {
    const result = step(bot, state, event);
    state = result.state;
    for (const action of result.actions) {
      if (action.type === 'call_fulfillment') lastAction = action.action;
      if (action.type !== 'set_slot') {
        pending.push(action);
        transcript.push(`  ${describeAction(action)}`);
      }
    }
  };
  const nextAction = () => pending.shift();

  for (const [index, storyStep] of story.steps.entries()) {
    const isInput = 'user' in storyStep || 'button' in storyStep || 'fulfillment' in storyStep;
    if (isInput && pending.length > 0) return fail(index, describeStep(storyStep), `unexpected ${describeAction(pending[0]!)}`);
    if ('user' in storyStep) {
      const unknown = Object.keys(storyStep.understood ?? {}).find((intent) => intent !== OUT_OF_SCOPE && !bot.rules[intent] && !Object.values(bot.flows).some((flow) => flow.intent === intent));
      if (unknown !== undefined) return fail(index, `understood: intents the bot has`, `"${unknown}", which no flow or rule answers`);
      const modelParse = await parseText(storyStep.user, now);
      const parse = storyStep.understood ? understoodAs(modelParse, storyStep.understood) : modelParse;
      const event = { type: 'message' as const, text: storyStep.user, parse, now, timeZone: 'UTC' };
      const close = storyStep.understood ? null : closeCallOf(bot, state, event, options.outOfScopeThreshold ?? 0);
      if (close !== null) closeCalls.push({ step: index + 1, text: storyStep.user, why: close });
      transcript.push(`user: ${storyStep.user}  [${parse.intent.name} ${parse.intent.confidence.toFixed(2)}${storyStep.understood ? ' (given)' : ''}${parse.entities.map((e) => `, ${e.entity}=${String(e.value)}`).join('')}]`);
      if (storyStep.intent !== undefined && parse.intent.name !== storyStep.intent) return fail(index, `intent ${storyStep.intent}`, `intent ${parse.intent.name} (${parse.intent.confidence.toFixed(2)})`);
      for (const [entity, value] of Object.entries(storyStep.entities ?? {})) {
        const found = parse.entities.filter((e) => e.entity === entity).map((e) => String(typeof e.value === 'object' ? (e.text ?? JSON.stringify(e.value)) : e.value));
        if (!found.includes(String(value))) return fail(index, `entity ${entity}=${String(value)}`, found.length ? `${entity}=${found.join(', ')}` : `no ${entity}`);
      }
      feed(event);
    } else if ('button' in storyStep) {
      transcript.push(`button: ${storyStep.button}`);
      const parse = storyStep.button.startsWith('/') ? undefined : await parseText(storyStep.button, now);
      feed({ type: 'button', payload: storyStep.button, now, timeZone: 'UTC', ...(parse && { parse }) });
    } else if ('fulfillment' in storyStep) {
      if (!lastAction) return fail(index, describeStep(storyStep), 'no action was called');
      transcript.push(`fulfillment ${lastAction}: ${JSON.stringify(storyStep.fulfillment)}`);
      const result = storyStep.fulfillment;
      feed(result.ok ? { type: 'fulfillment', action: lastAction, ok: true, ...(result.slots && { slots: result.slots }), now } : { type: 'fulfillment', action: lastAction, ok: false, ...(result.message !== undefined && { message: result.message }), now });
    } else if ('bot' in storyStep) {
      const action = nextAction();
      const matches = action && (action.type === 'say' || action.type === 'ask') && action.response === storyStep.bot && (storyStep.contains === undefined || action.text.includes(storyStep.contains));
      if (!matches) return fail(index, `bot: ${storyStep.bot}${storyStep.contains ? ` containing "${storyStep.contains}"` : ''}`, action ? describeAction(action) : 'nothing');
    } else if ('action' in storyStep) {
      const action = nextAction();
      const matches =
        action?.type === 'call_fulfillment' && action.action === storyStep.action && Object.entries(storyStep.slots ?? {}).every(([slot, value]) => String(action.slots[slot]) === String(value));
      if (!matches) return fail(index, `action: ${storyStep.action}${storyStep.slots ? ` ${JSON.stringify(storyStep.slots)}` : ''}`, action ? describeAction(action) : 'nothing');
    } else if ('handoff' in storyStep) {
      const action = nextAction();
      if (action?.type !== 'handoff') return fail(index, 'handoff', action ? describeAction(action) : 'nothing');
    } else if ('end' in storyStep) {
      const action = nextAction();
      if (action?.type !== 'end') return fail(index, 'end', action ? describeAction(action) : 'nothing');
    } else {
      for (const [slot, expected] of Object.entries(storyStep.slots)) {
        const actual: SlotValue | undefined = state.slots[slot];
        if (expected === null ? actual !== undefined : String(actual) !== String(expected)) {
          return fail(index, `slot ${slot}=${expected === null ? '(unset)' : String(expected)}`, `slot ${slot}=${actual === undefined ? '(unset)' : String(actual)}`);
        }
      }
    }
  }
  if (pending.length > 0) return fail(story.steps.length, '(end of story)', `unexpected ${describeAction(pending[0]!)}`);
  return { name: story.name, passed: true, transcript, closeCalls };
}
