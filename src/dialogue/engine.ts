/**
 * The dialogue engine: one pure step per event. What support bots in the field do, in this order:
 * a pending yes/no question first (a person? switch flows?), then the words that always work
 * (cancel, rules such as goodbye or "talk to a human"), then the open form (confirmation, slots,
 * digressions), and with no form: low confidence -> clarify, unknown -> fallback (then a person),
 * a flow's intent -> its form, and entities alone -> the last flow again ("and order A12346?").
 */
import type { DialogueBot, Flow } from '../bot/dialogue-schema';
import { botMarkdown, holds, renderResponse, type TemplateValue } from './responses';
import { coerce, slotsFromParse, validateSlot } from './slots';
import type { DialogueAction, DialogueEvent, DialogueState, SlotValue, StepResult, Understood } from './types';

export const OUT_OF_SCOPE = 'out_of_scope';

/** Words that leave a form whatever the model says (a visitor stuck in a form must always get out). */
const CANCEL_WORDS = /^\s*(cancel|stop|never\s*mind|nevermind|forget it|quit|abort)\b/i;

export function initialState(sessionId: string, now: number): DialogueState {
  return { sessionId, turn: 0, slots: {}, form: null, pendingSwitch: null, offeringHuman: false, fallbacks: 0, lastFlow: null, history: [], ended: false, lastActivity: now };
}

export function step(bot: DialogueBot, state: DialogueState, event: DialogueEvent): StepResult {
  if (event.type === 'restart') return { state: initialState(state.sessionId, event.now), actions: [] };
  const turn = new Turn(bot, structuredClone(state), event.now);
  if (event.type === 'fulfillment') turn.fulfillment(event);
  else if (event.type === 'resume') turn.resumeSession();
  else {
    const parse: Understood =
      event.type === 'message' ? event.parse : (event.parse ?? { intent: { name: event.payload.startsWith('/') ? event.payload.slice(1) : OUT_OF_SCOPE, confidence: 1 }, ranking: [], entities: [] });
    const text = event.type === 'message' ? event.text : (event.title ?? event.payload);
    turn.message(text, parse, event.timeZone);
  }
  return { state: turn.state, actions: turn.actions };
}

/** One step's work: a copy of the state it may change, and the actions it collects. */
class Turn {
  readonly actions: DialogueAction[] = [];
  private timeZone = 'UTC';

  constructor(
    private readonly bot: DialogueBot,
    readonly state: DialogueState,
    private readonly now: number,
  ) {
    state.lastActivity = now;
  }

  private get settings() {
    return this.bot.settings;
  }

  // ---- what the bot says -------------------------------------------------------------------------

  /** `extra`: a plain string (a visitor's or a backend's text) is escaped; the bot's own text is `botMarkdown`. */
  private render(name: string, extra: Record<string, TemplateValue> = {}) {
    return renderResponse(this.bot, name, { sessionId: this.state.sessionId, turn: this.state.turn, slots: this.state.slots, extra });
  }

  private say(name: string, extra: Record<string, TemplateValue> = {}): void {
    const rendered = this.render(name, extra);
    this.actions.push({ type: 'say', response: name, ...rendered });
    this.remember('bot', name);
  }

  private question(slot: string): { name: string; text: string } {
    const name = this.bot.slots[slot]?.ask ?? 'default_ask';
    return { name, text: this.render(name, { slot_name: this.slotName(slot) }).text };
  }

  /** A slot's name from the bot's definition, as words: the bot's own text. */
  private slotName(slot: string): TemplateValue {
    return botMarkdown(slot.replace(/_/g, ' '));
  }

  private ask(slot: string, prefix?: { response: string; extra: Record<string, TemplateValue> }): void {
    const { name } = this.question(slot);
    const rendered = prefix ? this.render(prefix.response, prefix.extra) : this.render(name, { slot_name: this.slotName(slot) });
    this.actions.push({ type: 'ask', slot, response: prefix?.response ?? name, ...rendered });
    this.remember('bot', prefix?.response ?? name);
    this.state.form!.asking = slot;
  }

  private remember(from: 'user' | 'bot', label: string): void {
    this.state.history.push({ turn: this.state.turn, from, label });
    const keep = this.settings.context_turns * 2; // a turn is the visitor's message and the bot's answer
    if (this.state.history.length > keep) this.state.history.splice(0, this.state.history.length - keep);
  }

  private setSlot(slot: string, value: SlotValue | null): void {
    if (value === null) this.state.slots = Object.fromEntries(Object.entries(this.state.slots).filter(([name]) => name !== slot));
    else this.state.slots[slot] = value;
    this.actions.push({ type: 'set_slot', slot, value });
  }

  /** From the bot's definition: the bot's own text. */
  private flowTitle(name: string): TemplateValue {
    const flow = this.bot.flows[name];
    return botMarkdown(flow?.title ?? (flow && this.bot.intentTitles[flow.intent]) ?? name.replace(/_/g, ' '));
  }

  /** The titles of the bot's intents, from its definition: the bot's own text. */
  private capabilities(): TemplateValue {
    const intents = [...Object.values(this.bot.flows).map((flow) => flow.intent), ...Object.keys(this.bot.rules)];
    const titles = [...new Set(intents.map((intent) => this.bot.intentTitles[intent]).filter((title): title is string => Boolean(title)))];
    return botMarkdown(titles.join(', '));
  }

  // ---- events ------------------------------------------------------------------------------------

  message(text: string, parse: Understood, timeZone: string | undefined): void {
    if (timeZone) this.timeZone = timeZone;
    const state = this.state;
    state.turn++;
    state.ended = false;
    const intent = parse.intent.name;
    this.remember('user', intent);
    const confident = intent !== OUT_OF_SCOPE && parse.intent.confidence >= this.settings.confidence_threshold;
    const is = (name: string) => confident && intent === name;
    // Leaving a form's question for another rule or flow takes more certainty than answering it.
    const sureEnoughToDigress = confident && (!state.form?.asking || parse.intent.confidence >= this.settings.digression_threshold);
    const offered = slotsFromParse(this.bot, parse);

    if (state.form?.waiting) return this.say('please_wait');

    if (state.offeringHuman) {
      state.offeringHuman = false;
      if (is(this.settings.affirm_intent)) return this.handoff('visitor accepted a person');
      if (is(this.settings.deny_intent)) return this.say('no_handoff');
    }

    if (state.pendingSwitch) {
      const pending = state.pendingSwitch;
      state.pendingSwitch = null;
      if (is(this.settings.affirm_intent)) {
        state.form = null;
        return this.startFlow(pending.flow, pending.slots);
      }
      if (is(this.settings.deny_intent)) return this.resume();
    }

    // The words always cancel; the model's reading of a cancel, like any other way out of a question,
    // needs digression_threshold (cancelling drops what the form has collected so far).
    if (CANCEL_WORDS.test(text) || (sureEnoughToDigress && intent === this.settings.cancel_intent)) {
      if (state.form) {
        state.form = null;
        return this.say('form_cancelled');
      }
    }

    if (state.form?.confirming) {
      const flow = this.bot.flows[state.form.flow]!;
      const changes = Object.entries(offered).filter(([slot]) => flow.slots.includes(slot));
      if (changes.length > 0) {
        // "No, the order is A12346": the new value replaces the old one, then confirm again.
        for (const [slot, value] of changes) this.fill(slot, value, false);
        return this.continueForm();
      }
      if (is(this.settings.affirm_intent)) return this.proceed(flow);
      if (is(this.settings.deny_intent)) {
        state.form = null;
        return this.say('confirm_cancelled');
      }
    }

    // A bare answer to the form's question ("10am" when asked for a time) fills the slot, whatever
    // rule's intent the model reads in it, as a bare answer beats another flow's intent below.
    const answersQuestion = Boolean(state.form?.asking && state.form.asking in offered && isBareAnswer(text, parse));
    const rule = sureEnoughToDigress && !answersQuestion ? this.bot.rules[intent] : undefined;
    if (rule) {
      if (rule.response) this.say(rule.response);
      if (rule.handoff) return this.handoff(`rule ${intent}`, !rule.response);
      if (rule.end) {
        state.form = null;
        state.ended = true;
        this.actions.push({ type: 'end' });
        return;
      }
      if (state.form) this.resume();
      return;
    }

    if (state.form) return this.formMessage(text, parse, sureEnoughToDigress, offered);

    const triggered = confident ? this.flowFor(intent) : undefined;
    if (triggered) {
      state.fallbacks = 0;
      return this.startFlow(triggered, offered);
    }
    // Entities alone, after a flow: "and A12346?" runs the last flow again with them.
    const last = state.lastFlow ? this.bot.flows[state.lastFlow] : undefined;
    if (last && Object.keys(offered).some((slot) => last.slots.includes(slot))) {
      state.fallbacks = 0;
      return this.startFlow(state.lastFlow!, offered);
    }
    if (!confident && intent !== OUT_OF_SCOPE) {
      // Only what the bot advertises (intents with a title) is worth a button: "did you mean goodbye?" is not.
      const titled = Object.keys(this.bot.intentTitles).length > 0;
      const options = parse.ranking.filter((r) => r.name !== OUT_OF_SCOPE && this.knows(r.name) && (!titled || r.name in this.bot.intentTitles)).slice(0, this.settings.clarify_options);
      if (options.length >= 2) {
        const rendered = this.render('clarify');
        const buttons = options.map((option) => ({ title: this.bot.intentTitles[option.name] ?? option.name.replace(/_/g, ' '), payload: `/${option.name}` }));
        this.actions.push({ type: 'say', response: 'clarify', text: rendered.text, buttons });
        this.remember('bot', 'clarify');
        return;
      }
    }
    this.fallback();
  }

  fulfillment(event: Extract<DialogueEvent, { type: 'fulfillment' }>): void {
    const form = this.state.form;
    // A late or repeated result for an action no longer awaited changes nothing.
    if (!form?.waiting || this.bot.flows[form.flow]?.action !== event.action) return;
    const flow = this.bot.flows[form.flow]!;
    this.state.form = null;
    if (event.ok) {
      for (const [slot, value] of Object.entries(event.slots ?? {})) this.setSlot(slot, value);
      this.say(flow.done ?? 'done');
    } else {
      this.state.offeringHuman = true;
      // The backend's message is its text, not the bot's: escaped like a visitor's.
      this.say(flow.failed ?? 'action_failed', { reason: event.message ?? 'the service did not answer' });
    }
  }

  /**
   * Back after a reload: an open form is recalled with its question ("Back to your refund: what is
   * the order number?"); a backend call that was still out is made again, with the same turn, so the
   * same idempotency key, and can never happen twice.
   */
  resumeSession(): void {
    const form = this.state.form;
    if (!form) return;
    if (form.waiting) {
      const flow = this.bot.flows[form.flow];
      if (flow?.action) this.actions.push({ type: 'call_fulfillment', action: flow.action, flow: form.flow, slots: this.actionSlots(flow) });
      return;
    }
    this.resume();
  }

  // ---- forms -------------------------------------------------------------------------------------

  private knows(intent: string): boolean {
    return Boolean(this.bot.rules[intent] || this.flowFor(intent));
  }

  private flowFor(intent: string): string | undefined {
    return Object.entries(this.bot.flows).find(([, flow]) => flow.intent === intent)?.[0];
  }

  private startFlow(name: string, offered: Record<string, SlotValue>): void {
    const flow = this.bot.flows[name]!;
    // Starting a flow again asks again ("and my other order?"), except for slots worth remembering.
    // What the flow reads besides its form (a handoff condition, conditional answers) is cleared too:
    // the amount of a declined refund or the plan of the last question must not steer this one.
    for (const slot of slotsReadBy(this.bot, flow)) {
      if (!(slot in offered) && !this.bot.slots[slot]?.remember && slot in this.state.slots) this.setSlot(slot, null);
    }
    this.state.form = { flow: name, asking: null, attempts: 0, confirming: false, waiting: false };
    this.state.lastFlow = name;
    const problems: Array<{ slot: string; reason: string }> = [];
    for (const [slot, value] of Object.entries(offered)) {
      if (!flow.slots.includes(slot) && !(slot in this.bot.slots)) continue;
      const reason = this.fill(slot, value, false);
      if (reason) problems.push({ slot, reason });
    }
    const problem = problems.find((p) => flow.slots.includes(p.slot));
    if (problem) return this.reask(problem.slot, problem.reason);
    this.continueForm();
  }

  /** Sets a slot if its value is valid; returns the reason when it is not. */
  private fill(slot: string, value: SlotValue, counts: boolean): string | null {
    const definition = this.bot.slots[slot];
    if (!definition) return null;
    const typed = coerce(definition, value);
    const reason = typed === undefined ? `"${String(value)}" is not a ${definition.type}` : validateSlot(definition, typed, this.now, this.timeZone);
    if (reason) {
      if (counts && this.state.form) this.state.form.attempts++;
      return reason;
    }
    this.setSlot(slot, typed!);
    return null;
  }

  private continueForm(): void {
    const form = this.state.form!;
    const flow = this.bot.flows[form.flow]!;
    const missing = flow.slots.find((slot) => !(slot in this.state.slots));
    if (missing) {
      if (form.asking !== missing) form.attempts = 0;
      form.confirming = false;
      return this.ask(missing);
    }
    form.asking = null;
    if (flow.confirm) {
      form.confirming = true;
      return this.say(flow.confirm);
    }
    this.proceed(flow);
  }

  private proceed(flow: Flow): void {
    const form = this.state.form!;
    form.confirming = false;
    if (flow.handoff_if && holds(flow.handoff_if, this.state.slots)) return this.handoff(`flow ${form.flow} needs a person`);
    if (flow.action) {
      form.waiting = true;
      this.actions.push({ type: 'call_fulfillment', action: flow.action, flow: form.flow, slots: this.actionSlots(flow) });
      return;
    }
    this.state.form = null;
    this.say(flow.done ?? 'done');
  }

  /** What the backend gets: the flow's slots and every other slot the bot defines. */
  private actionSlots(flow: Flow): Record<string, SlotValue> {
    return Object.fromEntries(Object.entries(this.state.slots).filter(([slot]) => flow.slots.includes(slot) || slot in this.bot.slots));
  }

  private formMessage(text: string, parse: Understood, mayDigress: boolean, offered: Record<string, SlotValue>): void {
    const form = this.state.form!;
    const flow = this.bot.flows[form.flow]!;
    const otherFlow = mayDigress ? this.flowFor(parse.intent.name) : undefined;
    const digression = otherFlow !== undefined && otherFlow !== form.flow;
    // "A12345" alone answers the question, whatever intent the model gives it; "where is my order
    // A12345" is a new request. Words besides the entities tell them apart.
    if (digression && !isBareAnswer(text, parse)) return this.digress(otherFlow, offered);

    let progress = false;
    let reason: string | null = null;
    for (const [slot, value] of Object.entries(offered)) {
      if (!flow.slots.includes(slot)) continue;
      const problem = this.fill(slot, value, slot === form.asking);
      if (problem && slot === form.asking) reason = problem;
      else if (!problem) progress = true;
    }
    const asked = form.asking ? this.bot.slots[form.asking] : undefined;
    if (!progress && !reason && asked?.from_text && !digression && !(form.asking! in offered)) {
      reason = this.fill(form.asking!, text, true);
      progress = reason === null;
    }
    if (progress) return this.continueForm();
    if (reason) return this.reask(form.asking!, reason);

    if (digression) return this.digress(otherFlow, offered);
    if (form.confirming) return this.continueForm();
    if (form.asking) {
      form.attempts++;
      return this.reask(form.asking, `I could not find your ${form.asking.replace(/_/g, ' ')} in that`);
    }
    this.continueForm();
  }

  /** Another flow's intent in the middle of a form. */
  private digress(otherFlow: string, offered: Record<string, SlotValue>): void {
    const form = this.state.form!;
    const target = this.bot.flows[otherFlow]!;
    if (target.slots.length === 0 && !target.action) {
      // A question on the side ("are you open on Sunday?"): answer it, then back to the form.
      this.say(target.done ?? 'done');
      return this.resume();
    }
    this.state.pendingSwitch = { flow: otherFlow, slots: Object.fromEntries(Object.entries(offered).filter(([slot]) => target.slots.includes(slot))) };
    this.say('confirm_switch', { flow_title: this.flowTitle(form.flow), new_flow_title: this.flowTitle(otherFlow) });
  }

  /** Asks again with the reason, or gives up after too many tries and offers a person. */
  private reask(slot: string, reason: string): void {
    const form = this.state.form!;
    if (form.asking !== slot) {
      form.asking = slot;
      form.attempts = Math.max(form.attempts, 1);
    }
    if (form.attempts >= this.settings.max_slot_attempts) {
      this.state.form = null;
      this.state.offeringHuman = true;
      return this.say('slot_gave_up');
    }
    const invalid = this.bot.slots[slot]?.invalid ?? 'slot_invalid';
    // The reason quotes the visitor's reply, so it is escaped; the question is the bot's, already rendered.
    this.ask(slot, { response: invalid, extra: { reason, question: botMarkdown(this.question(slot).text) } });
  }

  /** Back to the open form with a reminder of where it stood. */
  private resume(): void {
    const form = this.state.form;
    if (!form) return;
    const flow = this.bot.flows[form.flow]!;
    const question = form.confirming && flow.confirm ? this.render(flow.confirm).text : form.asking ? this.question(form.asking).text : '';
    if (form.asking) {
      this.ask(form.asking, { response: 'resume_form', extra: { flow_title: this.flowTitle(form.flow), question: botMarkdown(question) } });
    } else this.say('resume_form', { flow_title: this.flowTitle(form.flow), question: botMarkdown(question) });
  }

  private fallback(): void {
    const state = this.state;
    state.fallbacks++;
    if (state.fallbacks >= this.settings.fallbacks_before_human) {
      state.fallbacks = 0;
      state.offeringHuman = true;
      return this.say('offer_human');
    }
    this.say('fallback', { capabilities: this.capabilities() });
  }

  private handoff(reason: string, announce = true): void {
    this.state.form = null;
    this.state.pendingSwitch = null;
    if (announce) this.say('handoff');
    this.actions.push({ type: 'handoff', reason });
  }
}

/** A reply that is only entity values (and at most one other word, such as "it's A12345"). */
function isBareAnswer(text: string, parse: Understood): boolean {
  let rest = text;
  for (const entity of parse.entities) {
    // Builtins resolve to objects (an amount, a date range); only a text or a plain value can be found.
    const surface = entity.text ?? (typeof entity.value === 'string' || typeof entity.value === 'number' ? String(entity.value) : '');
    if (surface) rest = rest.replace(surface, ' ');
  }
  return (rest.match(/[\p{L}\p{N}]+/gu) ?? []).length <= 1;
}

/** Every slot a flow depends on: its form, its handoff condition and the conditions of its answers. */
function slotsReadBy(bot: DialogueBot, flow: Flow): Set<string> {
  const read = new Set(flow.slots);
  for (const slot of Object.keys(flow.handoff_if ?? {})) read.add(slot);
  for (const response of [flow.confirm, flow.done, flow.failed]) {
    for (const variation of response ? (bot.responses[response] ?? []) : []) {
      if (typeof variation !== 'string') for (const slot of Object.keys(variation.if ?? {})) read.add(slot);
    }
  }
  return read;
}
